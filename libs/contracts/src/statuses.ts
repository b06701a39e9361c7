import { z } from 'zod';
import type { TransitionTable } from './state-machine';

export const ORDER_STATUSES = [
  'PLACED',
  'AWAITING_CONFIRMATION',
  'CONFIRMED',
  'IN_PRODUCTION',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'ON_HOLD',
] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

/**
 * The order's life as seen by the customer and the manager. From CONFIRMED on, the order follows
 * its lines (`orderStatusFromLines`): PARTIALLY_SHIPPED while some lines are shipped and others
 * are not; a manager may cancel up to (not after) SHIPPED.
 */
export const ORDER_TRANSITIONS: TransitionTable<OrderStatus> = {
  PLACED: ['AWAITING_CONFIRMATION', 'CONFIRMED', 'CANCELLED', 'ON_HOLD'],
  AWAITING_CONFIRMATION: ['CONFIRMED', 'CANCELLED', 'ON_HOLD'],
  CONFIRMED: ['IN_PRODUCTION', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'ON_HOLD'],
  IN_PRODUCTION: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'ON_HOLD'],
  PARTIALLY_SHIPPED: ['SHIPPED', 'CANCELLED', 'ON_HOLD'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
  ON_HOLD: [
    'AWAITING_CONFIRMATION',
    'CONFIRMED',
    'IN_PRODUCTION',
    'PARTIALLY_SHIPPED',
    'SHIPPED',
    'CANCELLED',
  ],
};

export const ORDER_LINE_STATUSES = [
  'PENDING',
  'IN_PRODUCTION',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'ON_HOLD',
] as const;
export const OrderLineStatus = z.enum(ORDER_LINE_STATUSES);
export type OrderLineStatus = z.infer<typeof OrderLineStatus>;

/**
 * One line of an order (one part, one quote) as the customer and the manager see it: PENDING
 * until its work order starts, then the production state of its live work order. ON_HOLD: a
 * manager must decide (scrapped too often, or held). A line is cancelled up to SHIPPED.
 */
export const ORDER_LINE_TRANSITIONS: TransitionTable<OrderLineStatus> = {
  PENDING: ['IN_PRODUCTION', 'SHIPPED', 'CANCELLED', 'ON_HOLD'],
  IN_PRODUCTION: ['SHIPPED', 'CANCELLED', 'ON_HOLD'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
  ON_HOLD: ['PENDING', 'IN_PRODUCTION', 'SHIPPED', 'CANCELLED'],
};

export const WORK_ORDER_STATUSES = [
  'QUEUED',
  'IN_PRODUCTION',
  'POST_PROCESSING',
  'QUALITY_CHECK',
  'PACKED',
  'SHIPPED',
  'REWORK',
  'ON_HOLD',
  'SCRAPPED',
  'CANCELLED',
] as const;
export const WorkOrderStatus = z.enum(WORK_ORDER_STATUSES);
export type WorkOrderStatus = z.infer<typeof WorkOrderStatus>;

/**
 * Production: QUEUED → IN_PRODUCTION → POST_PROCESSING → QUALITY_CHECK → PACKED → SHIPPED.
 * QC may send a part to REWORK (back into production) or SCRAPPED; ON_HOLD pauses any active step.
 */
export const WORK_ORDER_TRANSITIONS: TransitionTable<WorkOrderStatus> = {
  QUEUED: ['IN_PRODUCTION', 'ON_HOLD', 'CANCELLED'],
  IN_PRODUCTION: ['POST_PROCESSING', 'ON_HOLD', 'SCRAPPED'],
  POST_PROCESSING: ['QUALITY_CHECK', 'ON_HOLD'],
  QUALITY_CHECK: ['PACKED', 'REWORK', 'SCRAPPED', 'ON_HOLD'],
  PACKED: ['SHIPPED', 'ON_HOLD'],
  SHIPPED: [],
  REWORK: ['IN_PRODUCTION', 'ON_HOLD', 'SCRAPPED'],
  // A held part of a cancelled order is scrapped, or finished to stock (CANCELLED with that reason).
  ON_HOLD: [
    'QUEUED',
    'IN_PRODUCTION',
    'POST_PROCESSING',
    'QUALITY_CHECK',
    'PACKED',
    'SCRAPPED',
    'CANCELLED',
  ],
  SCRAPPED: [],
  CANCELLED: [],
};

/** Where a work-order status puts the customer's order (undefined: no visible change). */
export function orderStatusForWorkOrder(status: WorkOrderStatus): OrderStatus | undefined {
  switch (status) {
    case 'IN_PRODUCTION':
    case 'POST_PROCESSING':
    case 'QUALITY_CHECK':
    case 'PACKED':
    case 'REWORK':
      return 'IN_PRODUCTION';
    case 'SHIPPED':
      return 'SHIPPED';
    case 'CANCELLED':
    case 'SCRAPPED':
      return 'ON_HOLD';
    case 'QUEUED':
    case 'ON_HOLD':
      return undefined;
  }
}

export const QUOTE_STATUSES = [
  'DRAFT',
  'CALCULATING',
  'READY',
  'ACCEPTED',
  'FAILED',
  'EXPIRED',
  'NEEDS_REVIEW',
] as const;
export const QuoteStatus = z.enum(QUOTE_STATUSES);
export type QuoteStatus = z.infer<typeof QuoteStatus>;

/**
 * A quote: CALCULATING while the pricing worker runs, then READY (with an INDICATIVE or FIRM
 * price), NEEDS_REVIEW (a manager reviews it: READY with a reviewed price, or FAILED with a
 * reason) or FAILED (with a reason the customer can act on). A READY quote becomes ACCEPTED when
 * an order is placed from it, or EXPIRED. When its order (line) is cancelled the quote is
 * released: READY again while it is valid, else EXPIRED.
 */
export const QUOTE_TRANSITIONS: TransitionTable<QuoteStatus> = {
  DRAFT: ['CALCULATING'],
  CALCULATING: ['READY', 'NEEDS_REVIEW', 'FAILED'],
  READY: ['ACCEPTED', 'EXPIRED'],
  NEEDS_REVIEW: ['READY', 'FAILED', 'EXPIRED'],
  ACCEPTED: ['READY', 'EXPIRED'],
  FAILED: [],
  EXPIRED: [],
};

/** How a quote is priced: a heuristic estimate in seconds, or slicing (minutes) for a firm price. */
export const PRICING_MODES = ['INDICATIVE', 'FIRM'] as const;
export const PricingMode = z.enum(PRICING_MODES);
export type PricingMode = z.infer<typeof PricingMode>;

/** Where a request came from; B2C work is priced before B2B work by default. */
export const SALES_CHANNELS = ['B2C', 'B2B'] as const;
export const SalesChannel = z.enum(SALES_CHANNELS);
export type SalesChannel = z.infer<typeof SalesChannel>;

/** Lead-time tiers of the price list (the pricing engine's `LEAD_TIMES`). */
export const LEAD_TIME_TIERS = ['ECONOMY', 'STANDARD', 'EXPRESS'] as const;
export const LeadTimeTier = z.enum(LEAD_TIME_TIERS);
export type LeadTimeTier = z.infer<typeof LeadTimeTier>;

export const MODEL_UNITS = ['mm', 'cm', 'inch'] as const;
export const ModelUnit = z.enum(MODEL_UNITS);
export type ModelUnit = z.infer<typeof ModelUnit>;

export const MODEL_FORMATS = ['STL_BINARY', 'STL_ASCII', '3MF'] as const;
export const ModelFormat = z.enum(MODEL_FORMATS);
export type ModelFormat = z.infer<typeof ModelFormat>;

export const ROLES = ['customer', 'manager', 'operator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const ORDER_PROGRESS: Partial<Record<OrderStatus, number>> = {
  PLACED: 0,
  AWAITING_CONFIRMATION: 1,
  CONFIRMED: 2,
  IN_PRODUCTION: 3,
  PARTIALLY_SHIPPED: 4,
  SHIPPED: 5,
  DELIVERED: 6,
};

/**
 * Whether a projection should move an order from `current` to `target` on an event. Events
 * from different services arrive in any order, so along the main path only forward moves
 * apply (a late "CONFIRMED" after "IN_PRODUCTION" is stale); exits follow the table.
 */
export function shouldProjectOrderStatus(current: OrderStatus, target: OrderStatus): boolean {
  if (current === target || ORDER_TRANSITIONS[current].length === 0) return false;
  const from = ORDER_PROGRESS[current];
  const to = ORDER_PROGRESS[target];
  if (from !== undefined && to !== undefined) return to > from;
  return ORDER_TRANSITIONS[current].includes(target);
}
