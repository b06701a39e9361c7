import { ConflictException, NotFoundException } from '@nestjs/common';
import type { QuoteRoutes } from '../quotes/quote.problems';
import { OrderRefused } from './order.errors';

/** An OrderRefused as the HTTP problem of one API (409 with what to do); any other as it is. */
export function orderProblem(err: unknown, routes: QuoteRoutes): unknown {
  if (!(err instanceof OrderRefused)) return err;
  const r = err.refusal;
  const q = `quote ${r.quoteId}`;
  if (r.reason === 'quote-not-found') return new NotFoundException(`${q} not found`);
  switch (r.status) {
    case 'DRAFT':
    case 'CALCULATING':
      return new ConflictException(
        `${q} is still being calculated: order it once it is READY (GET ${routes.quote(r.quoteId)})`,
      );
    case 'NEEDS_REVIEW':
      return new ConflictException(
        `${q} needs a review by our staff before it can be ordered; it becomes READY once reviewed`,
      );
    case 'FAILED':
      return new ConflictException(
        `${q} failed and cannot be ordered: ${r.failureReason ?? 'no price could be made'}`,
      );
    case 'ACCEPTED':
      return new ConflictException(
        `${q} was already ordered${r.orderId ? ` (order ${r.orderId})` : ''}; a quote is ordered once`,
      );
    case 'EXPIRED':
      return new ConflictException(
        `${q} expired at ${r.validUntil?.toISOString() ?? 'its validity end'}: ask for a new quote (POST ${routes.quotes})`,
      );
  }
}
