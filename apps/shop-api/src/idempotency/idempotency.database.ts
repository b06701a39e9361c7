import type { ColumnType } from 'kysely';
import type { ShopDatabase } from '../shop.database';

type Stamp = ColumnType<Date, Date | undefined, Date>;

/** The stored answers of idempotent POSTs (migration 20261222000000_shop_idempotency.sql). */
export interface IdempotencyTables {
  idempotency_keys: {
    /** Whose key: `customer:<id>` or `api-key:<id>`. */
    scope: string;
    key: string;
    fingerprint: string;
    method: string;
    path: string;
    status: 'IN_FLIGHT' | 'COMPLETE';
    response_status: number | null;
    response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
    response_body: Buffer | null;
    created_at: Stamp;
    locked_until: Date;
    completed_at: Date | null;
    expires_at: Date;
  };
}

export type IdempotencyDatabase = ShopDatabase & IdempotencyTables;
