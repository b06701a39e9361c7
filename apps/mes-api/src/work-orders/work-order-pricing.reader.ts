import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { QuoteModelSummary, QuotePriceBreakdown } from '@fabflow/contracts';
import { PricingJobReadRepository } from '../pricing/pricing-job-read.repository';

export interface WorkOrderPricing {
  model: z.infer<typeof QuoteModelSummary> | null;
  quote: z.infer<typeof QuotePriceBreakdown> | null;
}

/**
 * The model measurements and price breakdown behind a work order: the result of the pricing
 * job of the quote it was ordered from. The one place the work-order detail reads pricing data;
 * a work order without a priced job (none recorded, or it failed) has neither.
 */
@Injectable()
export class WorkOrderPricingReader {
  constructor(private readonly pricingJobs: PricingJobReadRepository) {}

  async read(workOrder: { id: string; quoteId: string | null }): Promise<WorkOrderPricing> {
    if (!workOrder.quoteId) return { model: null, quote: null };
    const result = (await this.pricingJobs.findResultByQuoteId(workOrder.quoteId))?.result;
    return { model: result?.model ?? null, quote: result?.price ?? null };
  }
}
