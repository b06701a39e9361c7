import { z } from 'zod';
import { PriceListMaterial } from '../events/quote.events';
import { PricedModel, PricingJobStatus } from '../jobs/price-quote.job';
import { LeadTimeTier, PricingMode, SalesChannel } from '../statuses';

const at = z.iso.datetime({ offset: true });

/** `GET /pricing-jobs/:quoteId` (MES, operators and managers): a quote's pricing job. */
export const PricingJobView = z.object({
  quoteId: z.uuid(),
  status: PricingJobStatus,
  channel: SalesChannel,
  accountId: z.uuid().nullable(),
  priority: z.number().int(),
  requestedMode: PricingMode,
  /** The mode the price was made in, once there is one. */
  mode: PricingMode.nullable(),
  materialId: z.string(),
  quantity: z.number().int(),
  leadTime: LeadTimeTier,
  file: z.object({
    fileId: z.uuid(),
    filename: z.string(),
    sha256: z.string(),
    sizeBytes: z.number().int(),
    format: z.string(),
    unit: z.string(),
  }),
  /** Runs started so far (re-runs after a crash or an unexpected error count). */
  attempts: z.number().int(),
  progress: z.object({ stage: z.string().nullable(), overall: z.number().nullable() }),
  result: PricedModel.nullable(),
  failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
  cacheHit: z.boolean().nullable(),
  version: z.number().int(),
  requestedAt: at,
  enqueuedAt: at.nullable(),
  startedAt: at.nullable(),
  finishedAt: at.nullable(),
});

export const QuoteIdParam = z.strictObject({ quoteId: z.uuid({ message: 'must be a UUID' }) });

/** `GET /price-lists` (MES, managers): every version, the active one first. */
export const PriceListSummary = z.object({
  version: z.string(),
  currency: z.string().nullable(),
  active: z.boolean(),
  materials: z.array(PriceListMaterial),
  createdAt: at,
  activatedAt: at.nullable(),
  publishedAt: at.nullable(),
});
export const PriceListList = z.object({ items: z.array(PriceListSummary) });
