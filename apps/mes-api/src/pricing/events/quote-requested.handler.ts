import { Inject, Injectable } from '@nestjs/common';
import { QuoteRequested, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import { traceHeaders } from '@fabflow/observability';
import { APP_CONFIG } from '@fabflow/platform';
import { PricingJobDispatchRepository } from '@fabflow/pricing-jobs';
import type { MesConfig } from '../../mes.config';
import type { MesDatabase } from '../../mes.database';
import { PricingDispatcher } from '../pricing-dispatcher';
import { pricingPriority } from '../pricing-priority';

/**
 * Records the pricing job of a requested quote (once, whatever the redeliveries: the inbox and
 * the quote id as key) and wakes the dispatcher after the commit. It never waits for the
 * calculation: the delivery is acked as soon as the job is recorded.
 */
@Injectable()
export class QuoteRequestedHandler implements EventHandler<MesDatabase, typeof QuoteRequested> {
  readonly event = QuoteRequested;

  constructor(
    private readonly jobs: PricingJobDispatchRepository,
    private readonly dispatcher: PricingDispatcher,
    @Inject(APP_CONFIG) private readonly config: MesConfig,
  ) {}

  async handle(
    { tx, logger, afterCommit }: HandlerContext<MesDatabase>,
    e: EventEnvelope<EventData<typeof QuoteRequested>>,
  ): Promise<void> {
    const d = e.data;
    const inserted = await this.jobs.insertIfAbsent(tx, {
      quote_id: d.quoteId,
      customer_id: d.customerId,
      channel: d.channel,
      account_id: d.accountId,
      // The tier's cap as it is now: later tier changes apply to later quotes. A cap without an
      // account (a B2C quote) could not be counted per account, so it is not kept.
      max_concurrent_jobs: d.accountId === null ? null : (d.maxConcurrentJobs ?? null),
      priority: pricingPriority(d.channel, this.config),
      file: JSON.stringify(d.file),
      material_id: d.materialId,
      quantity: d.quantity,
      lead_time: d.leadTime,
      requested_mode: d.mode,
      mode: null,
      correlation_id: e.correlationId ?? e.id,
      // This delivery's process span: the dispatcher's publish span continues the trace from it.
      trace_context: JSON.stringify(traceHeaders()),
      requested_at: new Date(d.requestedAt),
      enqueued_at: null,
      started_at: null,
      finished_at: null,
      progress_stage: null,
      progress_overall: null,
      result: null,
      price_list_version: null,
      failure_code: null,
      failure_reason: null,
      cache_hit: null,
    });
    if (!inserted) {
      logger.info({ quoteId: d.quoteId }, 'pricing job already recorded for this quote');
      return;
    }
    afterCommit(() => this.dispatcher.wake());
  }
}
