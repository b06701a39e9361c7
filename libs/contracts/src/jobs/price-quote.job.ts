import { z } from 'zod';
import { QuotePriced } from '../events/quote.events';

/** The BullMQ queue pricing jobs go through (`PRICING_QUEUE` overrides it). */
export const DEFAULT_PRICING_QUEUE = 'pricing';

/** Job name of pricing one quote; its job id is the quote id (BullMQ deduplicates by it). */
export const PRICE_QUOTE_JOB = 'price-quote';

/** Every job name of the pricing queue: the worker registers exactly one handler for each. */
export const PRICING_JOB_NAMES = [PRICE_QUOTE_JOB] as const;
export type PricingJobName = (typeof PRICING_JOB_NAMES)[number];

/**
 * Data of a `price-quote` job: only the quote id (the pricing job row in the MES database holds
 * the rest) and the W3C trace context of the MES span that enqueued it, so the worker continues
 * the quote's trace.
 */
export const PriceQuoteJobData = z.strictObject({
  quoteId: z.uuid(),
  traceparent: z.string().optional(),
  tracestate: z.string().optional(),
});
export type PriceQuoteJobData = z.infer<typeof PriceQuoteJobData>;

/**
 * A pricing job in the MES database: QUEUED (recorded, maybe in BullMQ) → RUNNING (a worker
 * started it; re-runs after a crash stay RUNNING) → DONE (priced) | FAILED (with a reason).
 */
export const PRICING_JOB_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const;
export const PricingJobStatus = z.enum(PRICING_JOB_STATUSES);
export type PricingJobStatus = z.infer<typeof PricingJobStatus>;

/**
 * What a finished pricing job found: the model, the price breakdown and the review gate, as the
 * worker stores it with the job (and in its cache) and the MES shows it. `QuotePriced` carries
 * the same plus the quote id and its validity.
 */
export const PricedModel = QuotePriced.schema.omit({
  quoteId: true,
  validUntil: true,
  pricedAt: true,
});
export type PricedModel = z.infer<typeof PricedModel>;
