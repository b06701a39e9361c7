import { z } from 'zod';
import { CancellationOutcome } from '../events/work-order.events';
import { OrderLineStatus, OrderStatus, QuoteStatus, SalesChannel } from '../statuses';

export const RegisterRequest = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(10, { message: 'must be at least 10 characters' }).max(200),
  name: z.string().trim().min(1).max(200),
});

export const CustomerView = z.object({ id: z.uuid(), email: z.email(), name: z.string() });

/** `POST /orders`: order one READY quote (a one-line order; a cart orders several). */
export const PlaceOrderRequest = z.strictObject({
  quoteId: z.uuid({ message: 'must be a UUID' }),
});

/** `POST /orders/:id/cancel`: the customer cancels the whole order before production starts. */
export const ShopCancelOrderRequest = z
  .strictObject({ reason: z.string().trim().min(1).max(1000).optional() })
  .default({});

export const OrderStatusEntry = z.object({
  status: OrderStatus,
  at: z.iso.datetime({ offset: true }),
  source: z.string(),
  note: z.string().nullable(),
});

const money = z.number().int();

/** One line of an order (one part, one quote) with its own status in production. */
export const ShopOrderLineView = z.object({
  lineId: z.uuid(),
  lineNo: z.number().int(),
  /** The quote of the line (null only for lines of the former fixed catalogue). */
  quoteId: z.uuid().nullable(),
  name: z.string(),
  material: z.string(),
  quantity: z.number().int(),
  unitPriceCents: money,
  /** The line's price: its quote's total without the quote's own minimum-price top-up. */
  totalCents: money,
  status: OrderLineStatus,
  /** What production did with the line when it was cancelled (null: not yet known, or not cancelled). */
  cancellationOutcome: CancellationOutcome.nullable(),
});

export const ShopOrderView = z.object({
  id: z.uuid(),
  status: OrderStatus,
  channel: SalesChannel,
  lines: z.array(ShopOrderLineView),
  /** Σ of the lines' totals. */
  subtotalCents: money,
  /** The top-up to the minimum order value, charged once per order (0 when the lines reach it). */
  minimumOrderSurchargeCents: money,
  totalCents: money,
  currency: z.string(),
  /**
   * Who cancelled the whole order, why and when (null when it was not; a line production had
   * already shipped stays SHIPPED, and the order follows it).
   */
  cancellation: z
    .object({
      by: z.enum(['CUSTOMER', 'MANAGER']),
      reason: z.string().nullable(),
      at: z.iso.datetime({ offset: true }),
    })
    .nullable(),
  placedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  history: z.array(OrderStatusEntry),
});

export const ShopOrderList = z.object({ items: z.array(ShopOrderView.omit({ history: true })) });

// ---- The B2C cart: READY quotes to order together ----

/** `POST /cart/items`: put one of my READY quotes in the cart (already there: unchanged). */
export const AddCartItemRequest = z.strictObject({
  quoteId: z.uuid({ message: 'must be a UUID' }),
});

export const CartItemView = z.object({
  quoteId: z.uuid(),
  /** The quote's status now: only READY items can be checked out (others: remove or re-quote). */
  status: QuoteStatus,
  orderable: z.boolean(),
  name: z.string(),
  material: z.string(),
  quantity: z.number().int(),
  /** The line's price if ordered (null while the quote has no price). */
  lineTotalCents: money.nullable(),
  currency: z.string().nullable(),
  validUntil: z.iso.datetime({ offset: true }).nullable(),
  addedAt: z.iso.datetime({ offset: true }),
});

/** The cart, priced as checkout would price its orderable items. */
export const CartView = z.object({
  items: z.array(CartItemView),
  subtotalCents: money,
  minimumOrderSurchargeCents: money,
  totalCents: money,
  /** The currency of the orderable items (null when there are none). */
  currency: z.string().nullable(),
});
