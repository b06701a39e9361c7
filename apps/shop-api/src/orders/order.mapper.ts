import type { Selectable } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import type { ShopDatabase } from '../shop.database';

type OrderRow = Selectable<ShopDatabase['orders']>;

export function toOrderSummary(o: OrderRow) {
  return {
    id: o.id,
    status: o.status,
    quoteId: o.quote_id,
    name: o.name,
    material: o.material,
    quantity: o.quantity,
    unitPriceCents: o.unit_price_cents,
    totalCents: o.total_cents,
    currency: o.currency,
    placedAt: o.placed_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export function toOrderView(
  o: OrderRow,
  history: { status: OrderStatus; at: Date; source: string; note: string | null }[],
) {
  return {
    ...toOrderSummary(o),
    history: history.map((h) => ({
      status: h.status,
      at: h.at.toISOString(),
      source: h.source,
      note: h.note,
    })),
  };
}
