import type { ColumnType, Generated } from 'kysely';
import type {
  CancellationOutcome,
  OrderLineStatus,
  OrderStatus,
  QuoteModelSummary,
  QuotePriceBreakdown,
  SalesChannel,
  WorkOrderStatus,
} from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';
import type { RefreshTokenTables } from '@fabflow/platform';
import type { z } from 'zod';

/** A jsonb column that may be null: read as T, written as JSON text. */
type Json<T> = ColumnType<T | null, string | null, string | null>;

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface CrmDatabase extends MessagingTables, RefreshTokenTables {
  accounts: { id: string; kind: string; email: string; name: string; created_at: CreatedAt };
  staff_users: {
    id: string;
    email: string;
    name: string;
    role: 'manager' | 'operator' | 'admin';
    password_hash: string;
    created_at: CreatedAt;
    deactivated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  orders: {
    id: string;
    customer_id: string;
    channel: ColumnType<SalesChannel, SalesChannel | undefined, SalesChannel>;
    status: OrderStatus;
    subtotal_cents: number;
    minimum_order_surcharge_cents: number;
    total_cents: number;
    currency: string;
    /** The MES's order version of the last production status applied (0: none). */
    production_version: Generated<number>;
    approved_by: string | null;
    note: string | null;
    cancelled_by: string | null;
    cancellation_reason: string | null;
    cancelled_at: Date | null;
    version: Generated<number>;
    placed_at: Date;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  order_lines: {
    id: string;
    order_id: string;
    line_no: number;
    /** The shop quote of the line (null only for lines of the former fixed catalogue). */
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
  /** The work orders of each line, as the MES announced them (each by its own version). */
  work_orders: {
    id: string;
    order_id: string;
    line_id: string;
    status: WorkOrderStatus;
    hold_reason: string | null;
    replaces_work_order_id: string | null;
    version: number;
    created_at: CreatedAt;
  };
  quotes: {
    id: string;
    customer_id: string | null;
    channel: SalesChannel | null;
    filename: string | null;
    file: Json<Record<string, unknown>>;
    material_id: string | null;
    quantity: number | null;
    lead_time: string | null;
    requested_at: Date | null;
    priced_status: 'READY' | 'NEEDS_REVIEW' | null;
    mode: string | null;
    technology: string | null;
    machine_id: string | null;
    machine_seconds: number | null;
    model: Json<z.infer<typeof QuoteModelSummary>>;
    price: Json<z.infer<typeof QuotePriceBreakdown>>;
    review_reasons: Json<Array<{ code: string; message: string }>>;
    price_list_version: string | null;
    valid_until: Date | null;
    priced_at: Date | null;
    review_status: 'PENDING' | 'APPROVED' | 'REJECTED' | null;
    reviewed_by: string | null;
    review_reason: string | null;
    reviewed_price: Json<z.infer<typeof QuotePriceBreakdown>>;
    reviewed_lead_time: string | null;
    reviewed_at: Date | null;
    version: Generated<number>;
  };
  order_timeline: {
    id: Generated<number>;
    order_id: string;
    event_id: string;
    type: string;
    source: string;
    occurred_at: Date;
    recorded_at: CreatedAt;
    correlation_id: string | null;
    traceparent: string | null;
    data: ColumnType<Record<string, unknown>, string, never>;
  };
}
