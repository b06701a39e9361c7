import type { z } from 'zod';
import type { ShopOrderLineView, ShopOrderView } from '@fabflow/contracts';
import type { OrderLineRow } from './order-lines.repository';
import type { HistoryRow, OrderRow } from './orders.repository';

type OrderView = z.infer<typeof ShopOrderView>;

export function toOrderLineView(l: OrderLineRow): z.infer<typeof ShopOrderLineView> {
  return {
    lineId: l.id,
    lineNo: l.line_no,
    quoteId: l.quote_id,
    name: l.name,
    material: l.material,
    quantity: l.quantity,
    unitPriceCents: l.unit_price_cents,
    totalCents: l.total_cents,
    status: l.status,
    cancellationOutcome: l.cancellation_outcome,
  };
}

export function toOrderSummary(
  o: OrderRow,
  lines: readonly OrderLineRow[],
): Omit<OrderView, 'history'> {
  return {
    id: o.id,
    status: o.status,
    channel: o.channel,
    lines: lines.map(toOrderLineView),
    subtotalCents: o.subtotal_cents,
    minimumOrderSurchargeCents: o.minimum_order_surcharge_cents,
    totalCents: o.total_cents,
    currency: o.currency,
    cancellation:
      o.cancelled_by && o.cancelled_at
        ? { by: o.cancelled_by, reason: o.cancellation_reason, at: o.cancelled_at.toISOString() }
        : null,
    placedAt: o.placed_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export function toOrderView(d: {
  order: OrderRow;
  lines: readonly OrderLineRow[];
  history: readonly HistoryRow[];
}): OrderView {
  return {
    ...toOrderSummary(d.order, d.lines),
    history: d.history.map((h) => ({
      status: h.status,
      at: h.at.toISOString(),
      source: h.source,
      note: h.note,
    })),
  };
}
