import type { OrderLineStatus, OrderStatus, WorkOrderStatus } from './statuses';

/** How many lines an order may have. */
export const MAX_ORDER_LINES = 50;

/** What the MES knows of one order line when it derives the line's status. */
export interface LineProduction {
  /** The line was cancelled (by the customer or a manager). */
  cancelled: boolean;
  /** Every parcel of the line was delivered. */
  delivered?: boolean;
  /** Its work orders in creation order: the original, then each replacement. */
  workOrders: readonly WorkOrderStatus[];
}

/**
 * The customer-facing status of a line from its work orders. The last work order is the live
 * one (a scrapped part's replacement comes after it). A live work order that is SCRAPPED or
 * CANCELLED without a replacement, or ON_HOLD, leaves the line ON_HOLD: a manager decides.
 */
export function lineStatusFromWorkOrders(line: LineProduction): OrderLineStatus {
  if (line.cancelled) return 'CANCELLED';
  const live = line.workOrders.at(-1);
  switch (live) {
    case undefined:
    case 'QUEUED':
      return 'PENDING';
    case 'IN_PRODUCTION':
    case 'POST_PROCESSING':
    case 'QUALITY_CHECK':
    case 'PACKED':
    case 'REWORK':
      return 'IN_PRODUCTION';
    case 'SHIPPED':
      return line.delivered ? 'DELIVERED' : 'SHIPPED';
    case 'ON_HOLD':
    case 'SCRAPPED':
    case 'CANCELLED':
      return 'ON_HOLD';
  }
}

/**
 * The order's status from its lines, once it is in production's hands (undefined: no change,
 * every live line is still PENDING). Cancelled lines do not count, unless every line is.
 */
export function orderStatusFromLines(lines: readonly OrderLineStatus[]): OrderStatus | undefined {
  const live = lines.filter((s) => s !== 'CANCELLED');
  if (lines.length > 0 && live.length === 0) return 'CANCELLED';
  if (live.some((s) => s === 'ON_HOLD')) return 'ON_HOLD';
  const sent = live.filter((s) => s === 'SHIPPED' || s === 'DELIVERED');
  if (live.length > 0 && live.every((s) => s === 'DELIVERED')) return 'DELIVERED';
  if (live.length > 0 && sent.length === live.length) return 'SHIPPED';
  if (sent.length > 0) return 'PARTIALLY_SHIPPED';
  if (live.some((s) => s === 'IN_PRODUCTION')) return 'IN_PRODUCTION';
  return undefined;
}

/** A quote's price as an order line charges it: without the quote's own minimum-price top-up. */
export function lineTotalCents(price: {
  totalCents: number;
  minimumPriceAdjustmentCents: number;
}): number {
  return price.totalCents - price.minimumPriceAdjustmentCents;
}

/**
 * An order's totals: the sum of its lines, topped up to the minimum order value once per order
 * (not per line). With no minimum known (0) the lines are charged as priced.
 */
export function orderTotals(
  lineTotals: readonly number[],
  minimumOrderCents: number,
): { subtotalCents: number; minimumOrderSurchargeCents: number; totalCents: number } {
  const subtotalCents = lineTotals.reduce((a, b) => a + b, 0);
  const minimumOrderSurchargeCents = Math.max(0, minimumOrderCents - subtotalCents);
  return {
    subtotalCents,
    minimumOrderSurchargeCents,
    totalCents: subtotalCents + minimumOrderSurchargeCents,
  };
}
