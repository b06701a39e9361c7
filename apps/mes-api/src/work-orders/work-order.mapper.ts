import { WORK_ORDER_TRANSITIONS } from '@fabflow/contracts';
import type { WorkOrderRow } from './work-orders.repository';

export function toWorkOrderView(w: WorkOrderRow) {
  return {
    id: w.id,
    orderId: w.order_id,
    status: w.status,
    sku: w.sku,
    material: w.material,
    quantity: w.quantity,
    priority: w.priority,
    assigneeId: w.assignee_id,
    version: w.version,
    dueAt: w.due_at.toISOString(),
    createdAt: w.created_at.toISOString(),
    updatedAt: w.updated_at.toISOString(),
    allowedTransitions: [...WORK_ORDER_TRANSITIONS[w.status]],
  };
}
