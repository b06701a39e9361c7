import type { z } from 'zod';
import type { WorkOrderView } from '@fabflow/contracts';
import { allowedMoves } from './work-order-moves';
import type { WorkOrderRow } from './work-orders.repository';

export function toWorkOrderView(w: WorkOrderRow): z.infer<typeof WorkOrderView> {
  return {
    id: w.id,
    orderId: w.order_id,
    lineId: w.line_id,
    lineNo: w.line_no,
    lineCount: w.line_count,
    lineCancelled: w.line_cancelled,
    status: w.status,
    holdReason: w.hold_reason,
    replacesWorkOrderId: w.replaces_work_order_id,
    sku: w.sku,
    material: w.material,
    quantity: w.quantity,
    priority: w.priority,
    assigneeId: w.assignee_id,
    machineId: w.machine_id,
    quoteId: w.quote_id,
    goodQuantity: w.good_quantity,
    scrapQuantity: w.scrap_quantity,
    reworkQuantity: w.rework_quantity,
    version: w.version,
    dueAt: w.due_at.toISOString(),
    createdAt: w.created_at.toISOString(),
    updatedAt: w.updated_at.toISOString(),
    allowedTransitions: allowedMoves(w),
  };
}
