import { HttpException, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '@fabflow/observability';
import { DB, LOGGER } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';
import { ReadReplicas } from './read-replicas';
import { ReadRoutingMetrics } from './read-routing.metrics';
import { walPosition } from './wal-position.util';

/**
 * Where heavy reads go. With replicas configured, a read goes to one (round robin) if it has
 * replayed the WAL position the caller needs — the last work-order change, so nobody sees a
 * change disappear after it was announced — and to the primary otherwise.
 */
@Injectable()
export class ReadRouter implements OnApplicationShutdown {
  constructor(
    @Inject(DB) private readonly primary: Kysely<MesDatabase>,
    private readonly replicas: ReadReplicas,
    private readonly metrics: ReadRoutingMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get replicated(): boolean {
    return this.replicas.configured;
  }

  /** Runs `read` on a replica that has replayed `needed` (a walPosition), else on the primary. */
  async read<T>(needed: string | null, read: (db: Kysely<MesDatabase>) => Promise<T>): Promise<T> {
    const replica = this.replicas.pick();
    if (!replica) {
      this.metrics.reads.inc({ target: 'primary' });
      return read(this.primary);
    }
    try {
      if (needed && !(await this.hasReplayed(replica.db, needed))) {
        this.metrics.reads.inc({ target: 'primary_fallback' });
        return await read(this.primary);
      }
      const result = await read(replica.db);
      this.metrics.reads.inc({ target: 'replica' });
      return result;
    } catch (err) {
      if (err instanceof HttpException) throw err;
      this.logger.warn({ err: (err as Error).message }, 'replica read failed; reading the primary');
      this.metrics.reads.inc({ target: 'primary_fallback' });
      return read(this.primary);
    }
  }

  /** The primary's current WAL position (at or after every commit so far), when replicated. */
  async primaryPosition(): Promise<string | null> {
    if (!this.replicas.configured) return null;
    const { rows } = await sql<{
      lsn: string;
    }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(this.primary);
    return walPosition(rows[0]!.lsn);
  }

  private async hasReplayed(db: Kysely<MesDatabase>, needed: string): Promise<boolean> {
    // NULL replay position: not a standby (a primary named as replica) — it has everything.
    const { rows } = await sql<{ fresh: boolean }>`
      SELECT coalesce(pg_last_wal_replay_lsn() >= ${needed}::pg_lsn, true) AS fresh`.execute(db);
    return rows[0]?.fresh === true;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.replicas.close();
  }
}
