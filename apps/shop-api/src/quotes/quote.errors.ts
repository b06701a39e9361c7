/** Why a quote request is refused, with the facts a controller needs to explain it. */
export type QuoteRefusal =
  | { reason: 'file-not-found'; fileId: string }
  | { reason: 'file-not-complete'; fileId: string }
  | { reason: 'prices-unavailable' }
  | { reason: 'unknown-material'; materialId: string; materials: string[] }
  | { reason: 'lead-time-not-offered'; leadTime: string; leadTimes: string[] }
  /**
   * The request's Idempotency-Key already made a quote, but its stored answer is gone (the
   * instance died between the quote's commit and storing the answer).
   */
  | { reason: 'key-already-used'; quoteId: string | undefined };

/** A quote request refused; the controller of the API it came through words it. */
export class QuoteRequestRefused extends Error {
  constructor(readonly refusal: QuoteRefusal) {
    super(`quote request refused: ${refusal.reason}`);
    this.name = 'QuoteRequestRefused';
  }
}
