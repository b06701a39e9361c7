import type { CrmOrderLineRow } from './order-lines.repository';
import type { CrmOrderRow } from './orders.repository';
import type { CrmWorkOrderRow } from './work-orders.repository';

/** The manager's view of an order; work orders by line id (left out of list pages). */
export function toCrmOrderView(
  o: CrmOrderRow,
  lines: readonly CrmOrderLineRow[],
  workOrders: ReadonlyMap<string, readonly CrmWorkOrderRow[]> = new Map(),
) {
  return {
    id: o.id,
    customerId: o.customer_id,
    channel: o.channel,
    status: o.status,
    lines: lines.map((l) => ({
      lineId: l.id,
      lineNo: l.line_no,
      quoteId: l.quote_id,
      name: l.name,
      material: l.material,
      quantity: l.quantity,
      unitPriceCents: l.unit_price_cents,
      totalCents: l.total_cents,
      status: l.status,
      workOrders: (workOrders.get(l.id) ?? []).map((w) => ({
        id: w.id,
        status: w.status,
        holdReason: w.hold_reason,
        replacesWorkOrderId: w.replaces_work_order_id,
      })),
      cancellationOutcome: l.cancellation_outcome,
    })),
    subtotalCents: o.subtotal_cents,
    minimumOrderSurchargeCents: o.minimum_order_surcharge_cents,
    totalCents: o.total_cents,
    currency: o.currency,
    approvedBy: o.approved_by,
    note: o.note,
    cancellation: o.cancelled_at
      ? { by: o.cancelled_by, reason: o.cancellation_reason, at: o.cancelled_at.toISOString() }
      : null,
    placedAt: o.placed_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}
