import type { ColumnType, Generated } from 'kysely';
import type { z } from 'zod';
import type {
  LeadTimeTier,
  ModelFormat,
  ModelUnit,
  OrderStatus,
  PriceListMaterial,
  PricingMode,
  QuoteModelSummary,
  QuotePriceBreakdown,
  QuoteStatus,
  SalesChannel,
} from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';
import type { RefreshTokenTables } from '@fabflow/platform';

type CreatedAt = ColumnType<Date, never, never>;
/** A jsonb column: parsed on read, written as JSON text (pg would turn an array into a SQL array). */
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null, string | null>;

export type CustomerKind = 'PERSON' | 'ORGANISATION';

export interface ReviewReason {
  code: string;
  message: string;
}

/** Engine details of a priced quote that the customer view does not show. */
export interface QuotePricingDetails {
  technology: string;
  machineId: string | null;
  partsPerBuild: number;
  machineSeconds: number;
  priceListVersion: string;
  engineVersion: string;
  pricedAt: string;
}

export interface ShopDatabase extends MessagingTables, RefreshTokenTables {
  customers: {
    id: string;
    /** ORGANISATION: a B2B organisation acting as an account (id = the CRM organisation's). */
    kind: ColumnType<CustomerKind, CustomerKind | undefined, never>;
    /** For an ORGANISATION no address: `organisation:<id>`, which nobody can register or log in with. */
    email: string;
    name: string;
    /** Null exactly for ORGANISATION rows (CHECK): they never log in. */
    password_hash: string | null;
    created_at: CreatedAt;
  };
  model_files: {
    id: string;
    customer_id: string;
    filename: string;
    unit: ModelUnit;
    size_bytes: number;
    status: 'PENDING_UPLOAD' | 'READY';
    bucket: string;
    key: string;
    sha256: string | null;
    format: ModelFormat | null;
    created_at: ColumnType<Date, Date | undefined, never>;
    completed_at: Date | null;
  };
  price_lists: {
    version: string;
    currency: string;
    materials: Json<z.infer<typeof PriceListMaterial>[]>;
    lead_times: Json<{ tier: LeadTimeTier; businessDays: number }[]>;
    published_at: Date;
    received_at: ColumnType<Date, never, never>;
  };
  quotes: {
    id: string;
    customer_id: string;
    file_id: string;
    material_id: string;
    quantity: number;
    lead_time: LeadTimeTier;
    mode: PricingMode;
    status: QuoteStatus;
    progress_stage: string | null;
    progress_fraction: Generated<number>;
    progress_overall: Generated<number>;
    progress_at: Date | null;
    price_mode: PricingMode | null;
    price: NullableJson<z.infer<typeof QuotePriceBreakdown>>;
    model: NullableJson<z.infer<typeof QuoteModelSummary>>;
    review_reasons: ColumnType<ReviewReason[], string | undefined, string>;
    pricing: NullableJson<QuotePricingDetails>;
    failure_code: string | null;
    failure_reason: string | null;
    valid_until: Date | null;
    mes_version: Generated<number>;
    revision: Generated<number>;
    /**
     * `<principal id>:<Idempotency-Key>` of the request that made it (unique per customer): the
     * second line of defence behind the stored answer (migration 20261222000000).
     */
    idempotency_key: string | null;
    channel: ColumnType<SalesChannel, SalesChannel | undefined, never>;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  orders: {
    id: string;
    customer_id: string;
    /** The quote it was placed from (null only for orders of the former fixed catalogue). */
    quote_id: string | null;
    /** Only orders of the former fixed catalogue have one. */
    sku: string | null;
    name: string;
    material: string;
    quantity: number;
    unit_price_cents: number;
    total_cents: number;
    currency: string;
    status: OrderStatus;
    channel: ColumnType<SalesChannel, SalesChannel | undefined, never>;
    crm_version: Generated<number>;
    work_order_version: Generated<number>;
    placed_at: ColumnType<Date, Date | undefined, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  order_status_history: {
    id: Generated<number>;
    order_id: string;
    status: OrderStatus;
    source: string;
    note: string | null;
    event_id: string | null;
    at: ColumnType<Date, Date | undefined, never>;
  };
}
