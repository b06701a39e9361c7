import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { QuoteRoutes } from '../quotes/quote.problems';
import { CancellationRefused, OrderRefused, type OrderRefusal } from './order.errors';

/** The routes of the API orders are placed through (B2C or B2B), for what-to-do hints. */
export interface OrderRoutes extends QuoteRoutes {
  /** Where a cart's items are added (B2C only). */
  cartItems?: string;
}

/** An OrderRefused as the HTTP problem of one API (409/422 with what to do); any other as it is. */
export function orderProblem(err: unknown, routes: OrderRoutes): unknown {
  if (!(err instanceof OrderRefused)) return err;
  const r = err.refusal;
  switch (r.reason) {
    case 'quote-not-found':
      return new NotFoundException(`quote ${r.quoteId} not found`);
    case 'quote-not-orderable':
      return new ConflictException(notOrderable(r, routes));
    case 'cart-empty':
      return new ConflictException(
        `the cart is empty: add READY quotes (POST ${routes.cartItems ?? '/cart/items'}), then check out`,
      );
    case 'not-in-cart':
      return new NotFoundException(`quote ${r.quoteId} is not in the cart`);
    case 'too-many-lines':
      return r.cart
        ? new ConflictException(
            `the cart holds at most ${r.max} quotes: check it out, then start another`,
          )
        : new UnprocessableEntityException(
            `an order has at most ${r.max} lines (${r.count} given): split it into several orders`,
          );
    case 'duplicate-quote':
      return new UnprocessableEntityException(
        `quote ${r.quoteId} is named twice: an order has each quote once (for more parts, ask for a quote with a larger quantity)`,
      );
    case 'mixed-currencies':
      return new UnprocessableEntityException(
        `the quotes are in different currencies (${r.currencies.map((c) => `${c.quoteId}: ${c.currency}`).join(', ')}): an order is in one currency, so order them separately`,
      );
  }
}

function notOrderable(
  r: Extract<OrderRefusal, { reason: 'quote-not-orderable' }>,
  routes: OrderRoutes,
): string {
  const q = `quote ${r.quoteId}`;
  switch (r.status) {
    case 'DRAFT':
    case 'CALCULATING':
      return `${q} is still being calculated: order it once it is READY (GET ${routes.quote(r.quoteId)})`;
    case 'NEEDS_REVIEW':
      return `${q} needs a review by our staff before it can be ordered; it becomes READY once reviewed`;
    case 'FAILED':
      return `${q} failed and cannot be ordered: ${r.failureReason ?? 'no price could be made'}`;
    case 'ACCEPTED':
      return `${q} was already ordered${r.orderId ? ` (order ${r.orderId})` : ''}; a quote is ordered once`;
    case 'EXPIRED':
      return `${q} expired at ${r.validUntil?.toISOString() ?? 'its validity end'}: ask for a new quote (POST ${routes.quotes})`;
  }
}

/** A CancellationRefused as the HTTP problem of one API (404, or 409 saying why); any other as it is. */
export function cancellationProblem(err: unknown): unknown {
  if (!(err instanceof CancellationRefused)) return err;
  const r = err.refusal;
  const o = `order ${r.orderId}`;
  if (r.reason === 'order-not-found') return new NotFoundException(`${o} not found`);
  if (r.started.length > 0)
    return new ConflictException(
      `production has started on ${r.started.map((l) => `line ${l.lineNo} (${l.status})`).join(', ')} of ${o}: it can no longer be cancelled by you; contact us to stop what is left`,
    );
  switch (r.status) {
    case 'CANCELLED':
      return new ConflictException(`${o} is already cancelled`);
    case 'ON_HOLD':
      return new ConflictException(`${o} is on hold with our staff: contact us to cancel it`);
    default:
      return new ConflictException(
        `${o} is ${r.status}: an order can be cancelled only until production starts`,
      );
  }
}
