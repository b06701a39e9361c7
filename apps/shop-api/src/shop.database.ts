import type { ColumnType, Generated } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';

type CreatedAt = ColumnType<Date, never, never>;

export interface ShopDatabase extends MessagingTables {
  customers: {
    id: string;
    email: string;
    name: string;
    password_hash: string;
    created_at: CreatedAt;
  };
  catalog_items: {
    sku: string;
    name: string;
    material: string;
    unit_price_cents: number;
    currency: string;
    active: boolean;
  };
  orders: {
    id: string;
    customer_id: string;
    sku: string;
    name: string;
    material: string;
    quantity: number;
    unit_price_cents: number;
    total_cents: number;
    currency: string;
    status: OrderStatus;
    idempotency_key: string | null;
    request_hash: string | null;
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
