import type { ColumnType, Generated } from 'kysely';
import type { OrderItem, OrderStatus } from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';
import type { RefreshTokenTables } from '@fabflow/platform';
import type { z } from 'zod';

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
    status: OrderStatus;
    item: ColumnType<z.infer<typeof OrderItem>, string, string>;
    /** The shop quote the order was placed from (null only for orders of the former catalogue). */
    quote_id: string | null;
    /** Only orders of the former fixed catalogue have one. */
    sku: string | null;
    material: string;
    quantity: number;
    total_cents: number;
    currency: string;
    work_order_status: string | null;
    work_order_version: Generated<number>;
    approved_by: string | null;
    note: string | null;
    version: Generated<number>;
    placed_at: Date;
    updated_at: ColumnType<Date, Date | undefined, Date>;
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
