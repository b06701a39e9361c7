import type { ColumnType, Generated } from 'kysely';
import type { z } from 'zod';
import type {
  CancellationOutcome,
  LeadTimeTier,
  ModelFormat,
  ModelUnit,
  OrderLineStatus,
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

/** Where a quote's price comes from: the pricing engine, or a manager's review in the CRM. */
export type PriceSource = 'ENGINE' | 'REVIEWED';

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
    /** Set for a file uploaded in parts (S3 multipart upload), with its part size. */
    multipart_upload_id: ColumnType<string | null, string | null | undefined>;
    part_size_bytes: ColumnType<number | null, number | null | undefined>;
  };
  price_lists: {
    version: string;
    currency: string;
    materials: Json<z.infer<typeof PriceListMaterial>[]>;
    lead_times: Json<{ tier: LeadTimeTier; businessDays: number }[]>;
    /** The minimum order value, once per order (null: the list has none; lines keep their top-up). */
    minimum_order_cents: number | null;
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
    /** Null until priced. */
    price_source: PriceSource | null;
    review_decision: 'APPROVED' | 'REJECTED' | null;
    review_reason: string | null;
    reviewed_at: Date | null;
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
    /** Σ of the lines' totals. */
    subtotal_cents: number;
    /** The top-up to the price list's minimum order value (total = subtotal + this). */
    minimum_order_surcharge_cents: ColumnType<number, number | undefined, number>;
    total_cents: number;
    currency: string;
    status: OrderStatus;
    channel: ColumnType<SalesChannel, SalesChannel | undefined, never>;
    crm_version: Generated<number>;
    /** Of version-1 WorkOrderStatusChanged events still in flight (one work order per order). */
    work_order_version: Generated<number>;
    /** The MES's order version of the last production status applied. */
    production_version: Generated<number>;
    cancelled_by: 'CUSTOMER' | 'MANAGER' | null;
    cancellation_reason: string | null;
    cancelled_at: Date | null;
    placed_at: ColumnType<Date, Date | undefined, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  order_lines: {
    id: string;
    order_id: string;
    line_no: number;
    /** Null only for lines of orders of the former fixed catalogue (they have a sku). */
    quote_id: string | null;
    sku: string | null;
    name: string;
    material: string;
    quantity: number;
    unit_price_cents: number;
    total_cents: number;
    status: ColumnType<OrderLineStatus, OrderLineStatus | undefined, OrderLineStatus>;
    line_version: Generated<number>;
    cancellation_outcome: z.infer<typeof CancellationOutcome> | null;
  };
  cart_items: {
    customer_id: string;
    quote_id: string;
    added_at: ColumnType<Date, Date | undefined, never>;
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
