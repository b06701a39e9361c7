import type { ColumnType, Generated } from 'kysely';
import type { ApiKeyScope } from '@fabflow/contracts';
import type { CrmDatabase } from '../crm.database';

type Stamp = ColumnType<Date, Date | undefined, Date>;

/** The CRM's B2B tables (migration 20261203000000_crm_b2b.sql). */
export interface CrmB2bTables {
  b2b_tiers: {
    id: string;
    name: string;
    requests_per_minute: number;
    burst: number;
    daily_order_quota: number;
    daily_quote_quota: number;
    max_concurrent_pricing_jobs: number;
    version: Generated<number>;
    created_at: ColumnType<Date, never, never>;
    updated_at: Stamp;
  };
  organisations: {
    id: string;
    name: string;
    tier_id: string;
    status: 'ACTIVE' | 'SUSPENDED';
    contact_emails: string[];
    version: Generated<number>;
    created_by: string;
    created_at: ColumnType<Date, never, never>;
    updated_at: Stamp;
  };
  api_keys: {
    id: string;
    organisation_id: string;
    name: string | null;
    prefix: string;
    secret_hash: string;
    scopes: ApiKeyScope[];
    status: 'ACTIVE' | 'REVOKED';
    expires_at: Date | null;
    rotated_from: string | null;
    version: Generated<number>;
    created_by: string;
    created_at: ColumnType<Date, Date | undefined, never>;
    revoked_at: Date | null;
    revoked_by: string | null;
  };
  notifications: {
    id: string;
    organisation_id: string;
    kind: string;
    recipients: string[];
    subject: string;
    body: string;
    source_event_id: string | null;
    created_at: ColumnType<Date, never, never>;
  };
}

export type CrmB2bDatabase = CrmDatabase & CrmB2bTables;
