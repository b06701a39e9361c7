import { createDatabase, type Database } from '@fabflow/db';
import { redactUrl } from '@fabflow/messaging';
import type { Logger } from '@fabflow/observability';
import type { MesDatabase } from '../mes.database';

/** The pools of the configured read replicas (none: every read goes to the primary). */
export class ReadReplicas {
  private readonly databases: Database<MesDatabase>[];
  private next = 0;

  constructor(urls: readonly string[], logger: Logger) {
    this.databases = urls.map((url) =>
      createDatabase<MesDatabase>(url, {
        // Visible in pg_stat_activity of the replica, so its readers can be told apart.
        applicationName: 'fabflow-mes-replica',
        onError: (err) =>
          logger.warn({ err: err.message, replica: redactUrl(url) }, 'replica connection error'),
      }),
    );
  }

  get configured(): boolean {
    return this.databases.length > 0;
  }

  /** The next replica, round robin. */
  pick(): Database<MesDatabase> | undefined {
    if (this.databases.length === 0) return undefined;
    const db = this.databases[this.next % this.databases.length];
    this.next = (this.next + 1) % this.databases.length;
    return db;
  }

  async close(): Promise<void> {
    await Promise.all(this.databases.map((d) => d.close()));
  }
}
