import type { ColumnType, Generated } from 'kysely';
import type { ApiKeyScope, WebhookEventType } from '@fabflow/contracts';
import type { ShopDatabase } from '../shop.database';

type Stamp = ColumnType<Date, Date | undefined, Date>;

/** The shop's B2B tables (migration 20261203000000_shop_b2b.sql). */
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
  b2b_idempotency_keys: {
    api_key_id: string;
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
  b2b_webhook_subscriptions: {
    id: string;
    organisation_id: string;
    url: string;
    events: WebhookEventType[];
    description: string | null;
    secret_encrypted: string;
    previous_secret_encrypted: string | null;
    previous_secret_expires_at: Date | null;
    status: 'ACTIVE' | 'DISABLED' | 'DELETED';
    disabled_reason: string | null;
    disabled_at: Date | null;
    failing_since: Date | null;
    created_by_key_id: string;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: Stamp;
  };
  b2b_webhook_deliveries: {
    id: string;
    event_id: string;
    subscription_id: string;
    organisation_id: string;
    event_type: WebhookEventType;
    body: string;
    status: 'PENDING' | 'DELIVERING' | 'SUCCEEDED' | 'FAILED';
    attempts: Generated<number>;
    next_attempt_at: ColumnType<Date, Date | undefined, Date>;
    locked_until: Date | null;
    last_status_code: number | null;
    last_error: string | null;
    created_at: ColumnType<Date, Date | undefined, never>;
    delivered_at: Date | null;
  };
  b2b_webhook_attempts: {
    id: Generated<number>;
    delivery_id: string;
    attempt: number;
    started_at: Date;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
    outcome: 'SUCCEEDED' | 'RETRY' | 'FAILED';
  };
}

export type ShopB2bDatabase = ShopDatabase & ShopB2bTables;
