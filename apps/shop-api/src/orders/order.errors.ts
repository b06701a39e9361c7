import type { OrderLineStatus, OrderStatus, QuoteStatus } from '@fabflow/contracts';

/** Why an order (or a cart change) is refused, with the facts a controller needs to explain it. */
export type OrderRefusal =
  | { reason: 'quote-not-found'; quoteId: string }
  | {
      reason: 'quote-not-orderable';
      quoteId: string;
      /** The quote's status as the customer sees it (EXPIRED once past validUntil). */
      status: Exclude<QuoteStatus, 'READY'>;
      validUntil: Date | null;
      failureReason: string | null;
      /** The order that already accepted the quote (status ACCEPTED). */
      orderId: string | null;
    }
  /** Checkout of an empty cart. */
  | { reason: 'cart-empty' }
  /** Removing a quote that is not in the cart. */
  | { reason: 'not-in-cart'; quoteId: string }
  /** More lines than an order may have (or items than a cart may hold). */
  | { reason: 'too-many-lines'; count: number; max: number; cart: boolean }
  | { reason: 'duplicate-quote'; quoteId: string }
  | { reason: 'mixed-currencies'; currencies: Array<{ quoteId: string; currency: string }> };

/** An order refused; the controller of the API it came through words it. */
export class OrderRefused extends Error {
  constructor(readonly refusal: OrderRefusal) {
    super(`order refused: ${refusal.reason}`);
    this.name = 'OrderRefused';
  }
}

/** Why a customer's cancellation is refused. */
export type CancellationRefusal =
  | { reason: 'order-not-found'; orderId: string }
  | {
      reason: 'order-not-cancellable';
      orderId: string;
      status: OrderStatus;
      /** The lines production has started (or finished), which a customer cannot take back. */
      started: Array<{ lineNo: number; status: OrderLineStatus }>;
    };

/** A cancellation refused; the controller of the API it came through words it. */
export class CancellationRefused extends Error {
  constructor(readonly refusal: CancellationRefusal) {
    super(`cancellation refused: ${refusal.reason} (order ${refusal.orderId})`);
    this.name = 'CancellationRefused';
  }
}
