import type { QuotePriceBreakdown } from '@fabflow/contracts';
import type { z } from 'zod';

type Breakdown = z.output<typeof QuotePriceBreakdown>;

/**
 * The price a reviewed quote is READY at: the engine's, or the reviewer's unit price × quantity.
 * A reviewer's price is final, so the engine's minimum-price top-up goes and the difference to
 * the engine's price before its minimum is the review adjustment; the breakdown still adds up:
 * `subtotal − quantityDiscount + leadTimeAdjustment + minimumPriceAdjustment + reviewAdjustment
 * = total`.
 */
export function reviewedPrice(
  proposed: Breakdown,
  quantity: number,
  unitPriceCents: number | undefined,
): Breakdown {
  if (unitPriceCents === undefined) return proposed;
  const totalCents = unitPriceCents * quantity;
  const beforeMinimum =
    proposed.subtotalCents - proposed.quantityDiscountCents + proposed.leadTimeAdjustmentCents;
  return {
    ...proposed,
    minimumPriceAdjustmentCents: 0,
    reviewAdjustmentCents: totalCents - beforeMinimum,
    totalCents,
    unitPriceCents,
  };
}
