import type { ColumnType, Generated } from 'kysely';
import type { WorkOrderStatus } from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';

export interface MesDatabase extends MessagingTables {
  work_orders: {
    id: string;
    order_id: string;
    status: WorkOrderStatus;
    sku: string;
    material: string;
    quantity: number;
    priority: 'NORMAL' | 'RUSH';
    assignee_id: string | null;
    version: Generated<number>;
    due_at: Date;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  work_order_history: {
    id: Generated<number>;
    work_order_id: string;
    from_status: WorkOrderStatus | null;
    to_status: WorkOrderStatus;
    changed_by: string | null;
    reason: string | null;
    at: ColumnType<Date, Date | undefined, never>;
  };
}
