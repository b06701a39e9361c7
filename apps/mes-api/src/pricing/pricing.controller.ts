import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Roles } from '@fabflow/auth';
import { PriceListList, PricingJobView, QuoteIdParam } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import type { PricingJobRow } from '@fabflow/pricing-jobs';
import { materialsOf } from './price-lists/price-list-body';
import { PriceListsRepository } from './price-lists/price-lists.repository';
import { PricingJobReadRepository } from './pricing-job-read.repository';

export function toPricingJobView(j: PricingJobRow): z.input<typeof PricingJobView> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    quoteId: j.quote_id,
    status: j.status,
    channel: j.channel,
    accountId: j.account_id,
    priority: j.priority,
    requestedMode: j.requested_mode,
    mode: j.mode,
    materialId: j.material_id,
    quantity: j.quantity,
    leadTime: j.lead_time,
    file: {
      fileId: j.file.fileId,
      filename: j.file.filename,
      sha256: j.file.sha256,
      sizeBytes: j.file.sizeBytes,
      format: j.file.format,
      unit: j.file.unit,
    },
    attempts: j.attempts,
    progress: { stage: j.progress_stage, overall: j.progress_overall },
    result: j.status === 'DONE' ? j.result : null,
    failure:
      j.status === 'FAILED' && j.failure_code
        ? { code: j.failure_code, reason: j.failure_reason ?? '' }
        : null,
    cacheHit: j.cache_hit,
    version: j.version,
    requestedAt: j.requested_at.toISOString(),
    enqueuedAt: iso(j.enqueued_at),
    startedAt: iso(j.started_at),
    finishedAt: iso(j.finished_at),
  };
}

@ApiTags('pricing')
@Controller()
export class PricingController {
  constructor(
    private readonly jobs: PricingJobReadRepository,
    private readonly priceLists: PriceListsRepository,
  ) {}

  @Get('pricing-jobs/:quoteId')
  @Roles('operator', 'manager')
  @Endpoint({
    summary: "A quote's pricing job: status, attempts, progress, the priced model or the failure",
    params: QuoteIdParam,
    responses: { 200: PricingJobView },
    problems: [404],
  })
  async job(@Param() p: z.output<typeof QuoteIdParam>) {
    const job = await this.jobs.find(p.quoteId);
    if (!job) throw new NotFoundException(`no pricing job for quote ${p.quoteId}`);
    return toPricingJobView(job);
  }

  @Get('price-lists')
  @Roles('manager')
  @Endpoint({
    summary: 'Price list versions, the active one first, with when each was published',
    responses: { 200: PriceListList },
  })
  async listPriceLists() {
    const rows = await this.priceLists.list();
    return {
      items: rows.map((r) => {
        const body = r.body as { currency?: unknown };
        return {
          version: r.version,
          currency: typeof body?.currency === 'string' ? body.currency : null,
          active: r.active,
          materials: materialsOf(r.body),
          createdAt: r.created_at.toISOString(),
          activatedAt: r.activated_at ? r.activated_at.toISOString() : null,
          publishedAt: r.published_at ? r.published_at.toISOString() : null,
        };
      }),
    };
  }
}
