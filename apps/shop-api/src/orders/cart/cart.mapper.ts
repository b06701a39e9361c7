import type { z } from 'zod';
import type { CartView } from '@fabflow/contracts';
import { effectiveStatus } from '../../quotes/quote.mapper';
import { priceOrder } from '../order-pricing';
import type { CartContents } from './cart.service';

/**
 * The cart as checkout would price it: each item with its quote's status now; the totals over
 * the orderable (READY) items of the first one's currency, with the price list's minimum
 * order value applied once, exactly as `OrderPlacement` prices the order.
 */
export function toCartView(
  { items, priceList }: CartContents,
  now = new Date(),
): z.infer<typeof CartView> {
  const statuses = items.map((q) => effectiveStatus(q, now));
  const currency = items.find((_, i) => statuses[i] === 'READY')?.price?.currency ?? null;
  const minimum =
    priceList && priceList.currency === currency ? priceList.minimum_order_cents : null;
  const lineTotal = (q: (typeof items)[number]) =>
    q.price
      ? priceOrder([{ quantity: q.quantity, price: q.price }], minimum).lines[0]!.totalCents
      : null;
  const charged = items.filter((q, i) => statuses[i] === 'READY' && q.price?.currency === currency);
  const totals = priceOrder(
    charged.map((q) => ({ quantity: q.quantity, price: q.price! })),
    charged.length > 0 ? minimum : null,
  );
  return {
    items: items.map((q, i) => ({
      quoteId: q.id,
      status: statuses[i]!,
      orderable: statuses[i] === 'READY',
      name: q.filename,
      material: q.material_id,
      quantity: q.quantity,
      lineTotalCents: lineTotal(q),
      currency: q.price?.currency ?? null,
      validUntil: q.valid_until?.toISOString() ?? null,
      addedAt: q.added_at.toISOString(),
    })),
    subtotalCents: totals.subtotalCents,
    minimumOrderSurchargeCents: totals.minimumOrderSurchargeCents,
    totalCents: totals.totalCents,
    currency,
  };
}
