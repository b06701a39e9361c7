import type { ColumnType, Generated } from 'kysely';
import type { WebhookEventType } from '@fabflow/contracts';
import type { ShopDatabase } from '../../shop.database';

type Stamp = ColumnType<Date, Date | undefined, Date>;

/**
 * The webhook channel's tables (migration 20261203000000_shop_b2b.sql): the subscriptions of
 * B2B organisations, one delivery per subscription and event, and every attempt of it.
 */
export interface WebhookTables {
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

export type WebhooksDatabase = ShopDatabase & WebhookTables;
