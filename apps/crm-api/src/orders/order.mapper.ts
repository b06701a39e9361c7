import type { CrmOrderRow } from './orders.repository';

export function toCrmOrderView(o: CrmOrderRow) {
  return {
    id: o.id,
    customerId: o.customer_id,
    status: o.status,
    quoteId: o.quote_id,
    name: o.item.name,
    material: o.material,
    quantity: o.quantity,
    totalCents: o.total_cents,
    currency: o.currency,
    workOrderStatus: o.work_order_status,
    approvedBy: o.approved_by,
    note: o.note,
    placedAt: o.placed_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}
