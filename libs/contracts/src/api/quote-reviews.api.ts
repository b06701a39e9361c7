import { z } from 'zod';
import { QuoteModelSummary, QuotePriceBreakdown } from '../events/quote.events';
import { LeadTimeTier, SalesChannel } from '../statuses';

export const QuoteReviewStatus = z.enum(['PENDING', 'APPROVED', 'REJECTED']);

export const QuoteReviewView = z.object({
  quoteId: z.uuid(),
  customerId: z.uuid(),
  channel: SalesChannel,
  filename: z.string(),
  materialId: z.string(),
  technology: z.string(),
  quantity: z.number().int(),
  leadTime: LeadTimeTier,
  /** The model's analysis by the pricing engine. */
  model: QuoteModelSummary,
  /** Why the engine held the quote for a person. */
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  /** The engine's price, proposed to the reviewer. */
  proposedPrice: QuotePriceBreakdown,
  machineId: z.string().nullable(),
  machineSeconds: z.number().nullable(),
  priceListVersion: z.string(),
  pricedAt: z.iso.datetime({ offset: true }),
  status: QuoteReviewStatus,
  decision: z
    .object({
      reviewedBy: z.uuid(),
      reason: z.string().nullable(),
      price: QuotePriceBreakdown.nullable(),
      leadTime: LeadTimeTier.nullable(),
      at: z.iso.datetime({ offset: true }),
    })
    .nullable(),
});

export const QuoteReviewListQuery = z.strictObject({
  status: QuoteReviewStatus.default('PENDING'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const QuoteReviewList = z.object({
  items: z.array(QuoteReviewView),
  nextCursor: z.string().nullable(),
});

export const ApproveQuoteReviewRequest = z
  .strictObject({
    /** A new unit price; the total becomes unit price × quantity. */
    unitPriceCents: z.number().int().min(1).max(100_000_000).optional(),
    leadTime: LeadTimeTier.optional(),
    /** Why; required when the price or the lead time is adjusted. */
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .refine(
    (b) => (b.unitPriceCents === undefined && b.leadTime === undefined) || b.reason !== undefined,
    {
      message: 'a reason is required when the price or the lead time is adjusted',
      path: ['reason'],
    },
  );

export const RejectQuoteReviewRequest = z.strictObject({
  /** What the customer can do about it (shown to them). */
  reason: z
    .string()
    .trim()
    .min(10, { message: 'must say what the customer can do (at least 10 characters)' })
    .max(1000),
});
