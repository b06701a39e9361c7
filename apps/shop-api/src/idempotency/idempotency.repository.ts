import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable } from 'kysely';
import { DB } from '@fabflow/platform';
import type { IdempotencyDatabase, IdempotencyTables } from './idempotency.database';

export type IdempotencyRecord = Selectable<IdempotencyTables['idempotency_keys']>;

export interface Claim {
  /** Whose key it is: `customer:<id>`, `api-key:<id>`. */
  scope: string;
  key: string;
  fingerprint: string;
  method: string;
  path: string;
  ttlMs: number;
  leaseMs: number;
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The stored answers of idempotent POSTs, scoped to their principal. */
@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(DB) private readonly db: Kysely<IdempotencyDatabase>) {}

  /**
   * Claims the key atomically: inserts it in flight, or takes over an expired record or an
   * in-flight claim of the same request whose lease ran out (its instance died). Returns
   * true when this request holds the claim; false when another record stands.
   */
  async claim(c: Claim): Promise<boolean> {
    const ms = (n: number) => sql<Date>`now() + ${n} * interval '1 millisecond'`;
    const values = {
      scope: c.scope,
      key: c.key,
      fingerprint: c.fingerprint,
      method: c.method,
      path: c.path,
      status: 'IN_FLIGHT' as const,
      locked_until: ms(c.leaseMs),
      expires_at: ms(c.ttlMs),
    };
    const row = await this.db
      .insertInto('idempotency_keys')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet({
            ...values,
            response_status: null,
            response_headers: null,
            response_body: null,
            completed_at: null,
            created_at: sql<Date>`now()`,
          })
          .where((eb) =>
            eb.or([
              eb('idempotency_keys.expires_at', '<', sql<Date>`now()`),
              eb.and([
                eb('idempotency_keys.status', '=', 'IN_FLIGHT'),
                eb('idempotency_keys.locked_until', '<', sql<Date>`now()`),
                eb('idempotency_keys.fingerprint', '=', c.fingerprint),
              ]),
            ]),
          ),
      )
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  find(scope: string, key: string) {
    return this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({
        status: 'COMPLETE',
        response_status: response.status,
        response_headers: JSON.stringify(response.headers),
        response_body: response.body,
        completed_at: sql<Date>`now()`,
      })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('status', '=', 'IN_FLIGHT')
      .execute();
  }

  /** A failed (5xx) first attempt gives the key back: the retry runs the request again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('status', '=', 'IN_FLIGHT')
      .execute();
  }

  /** Deletes up to `limit` expired records; the number deleted. */
  async deleteExpired(limit: number): Promise<number> {
    const r = await sql<{ n: number }>`
      WITH gone AS (
        DELETE FROM idempotency_keys WHERE ctid IN (
          SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT ${limit})
        RETURNING 1)
      SELECT count(*)::int AS n FROM gone`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }
}
