import type { ColumnType } from 'kysely';
import type { ApiKeyScope } from '@fabflow/contracts';
import type { ShopDatabase } from '../shop.database';

type Stamp = ColumnType<Date, Date | undefined, Date>;

/** The shop's projection of the CRM's B2B keys (migration 20261203000000_shop_b2b.sql). */
export interface ShopB2bTables {
  b2b_tiers: {
    id: string;
    name: string;
    requests_per_minute: number;
    burst: number;
    daily_order_quota: number;
    daily_quote_quota: number;
    max_concurrent_pricing_jobs: number;
    version: number;
    updated_at: Stamp;
  };
  b2b_organisations: {
    id: string;
    name: string;
    status: 'ACTIVE' | 'SUSPENDED';
    tier_id: string;
    version: number;
    updated_at: Stamp;
  };
  b2b_api_keys: {
    id: string;
    prefix: string;
    secret_hash: string;
    organisation_id: string;
    scopes: ApiKeyScope[];
    status: 'ACTIVE' | 'REVOKED';
    expires_at: Date | null;
    version: number;
    updated_at: Stamp;
  };
}

export type ShopB2bDatabase = ShopDatabase & ShopB2bTables;
