import { lineTotalCents, orderTotals } from '@fabflow/contracts';

/** What pricing an order needs of each quote. */
export interface QuotePrice {
  quantity: number;
  price: { totalCents: number; unitPriceCents: number; minimumPriceAdjustmentCents: number };
}

export interface PricedOrder {
  /** In the quotes' order. */
  lines: Array<{ unitPriceCents: number; totalCents: number }>;
  subtotalCents: number;
  minimumOrderSurchargeCents: number;
  totalCents: number;
}

/**
 * Prices an order of quotes. With the price list's minimum order value known, a line costs its
 * quote's total without the quote's own minimum-price top-up and the minimum applies once, to
 * the order (`orderTotals`); so a one-line order costs exactly its quote's total, and five small
 * parts pay one minimum, not five. With none known (a list published before it was carried),
 * each line keeps its quote's total, top-up included, and nothing is added: today's prices.
 * A line's unit price is the quote's, unless the top-up came off: then the line total over its
 * quantity, rounded (the line total is what is charged).
 */
export function priceOrder(
  quotes: readonly QuotePrice[],
  minimumOrderCents: number | null,
): PricedOrder {
  const lines = quotes.map((q) => {
    const totalCents = minimumOrderCents === null ? q.price.totalCents : lineTotalCents(q.price);
    const unitPriceCents =
      totalCents === q.price.totalCents
        ? q.price.unitPriceCents
        : Math.round(totalCents / q.quantity);
    return { unitPriceCents, totalCents };
  });
  return {
    lines,
    ...orderTotals(
      lines.map((l) => l.totalCents),
      minimumOrderCents ?? 0,
    ),
  };
}
