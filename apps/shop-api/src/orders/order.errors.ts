import type { QuoteStatus } from '@fabflow/contracts';

/** Why an order is refused, with the facts a controller needs to explain it. */
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
    };

/** An order refused; the controller of the API it came through words it. */
export class OrderRefused extends Error {
  constructor(readonly refusal: OrderRefusal) {
    super(`order refused: ${refusal.reason} (quote ${refusal.quoteId})`);
    this.name = 'OrderRefused';
  }
}
