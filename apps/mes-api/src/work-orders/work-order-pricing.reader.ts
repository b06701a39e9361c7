import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { QuoteModelSummary, QuotePriceBreakdown } from '@fabflow/contracts';

export interface WorkOrderPricing {
  model: z.infer<typeof QuoteModelSummary> | null;
  quote: z.infer<typeof QuotePriceBreakdown> | null;
}

/**
 * The model measurements and price breakdown behind a work order: the result of the pricing
 * job of the quote it was ordered from. The one place the work-order detail reads pricing data.
 *
 * Today the MES holds no pricing results (quotes, pricing jobs and their tables come with the
 * pricing work), so every work order honestly has none; this reads the pricing job by
 * `quoteId` once they exist.
 */
@Injectable()
export class WorkOrderPricingReader {
  read(_workOrder: { id: string; quoteId: string | null }): Promise<WorkOrderPricing> {
    return Promise.resolve({ model: null, quote: null });
  }
}
