import { context, type Context, type Span } from '@opentelemetry/api';
import { UnrecoverableError, type Job } from 'bullmq';
import {
  PRICE_QUOTE_JOB,
  PriceQuoteJobData,
  type PricedModel,
  type PricingMode,
} from '@fabflow/contracts';
import { failSpan, MessagingAttr } from '@fabflow/messaging';
import { runWithContext, type Logger } from '@fabflow/observability';
import type { PriceList } from '@fabflow/pricing-engine';
import type { PricingJobRunRepository, RunningJob } from '@fabflow/pricing-jobs';
import type { ObjectStorage } from '@fabflow/storage';
import type { EnginePool } from '../engine/engine-pool';
import type { EngineOutcome } from '../engine/engine-task';
import type { PricingContext, PricingContextRepository } from '../infra/pricing-context.repository';
import { readModelFile } from '../infra/model-file.reader';
import { cacheKey, type ResultsCacheRepository } from '../infra/results-cache.repository';
import type { RunOutcome, WorkerMetrics } from '../infra/worker-metrics';
import type { WorkerConfig } from '../worker.config';
import type { JobHandler } from './job-handler-registry';
import { toPricedModel } from './priced-model.mapper';
import {
  decideFailure,
  internalFailure,
  isAbort,
  PricingJobRejected,
  unrecoverable,
} from './pricing-failure';
import { needsFirm, planMode, type ModePlan } from './pricing-mode';
import { recordStageSpan, startPricingProcessSpan } from './pricing-tracing';
import type { QuoteEventWriter } from './quote-event-writer';
import { ProgressReporter } from './progress-reporter';
import { ProgressTracker } from './progress-tracker';

export interface PriceQuoteDeps {
  config: Pick<
    WorkerConfig,
    | 'PRICING_QUEUE'
    | 'PRICING_TIMEOUT_MS'
    | 'PRICING_FIRM_ABOVE_BYTES'
    | 'PRICING_FIRM_ABOVE_CENTS'
    | 'PRICING_PROGRESS_INTERVAL_MS'
    | 'UPLOAD_MAX_BYTES'
  >;
  jobs: PricingJobRunRepository;
  /** The active price list and machines. */
  pricingContext: PricingContextRepository;
  cache: ResultsCacheRepository;
  /** The object storage holding a bucket's model files. */
  storage: (bucket: string) => ObjectStorage;
  pool: EnginePool;
  events: QuoteEventWriter;
  metrics: WorkerMetrics;
  logger: Logger;
}

/** What a run returns to BullMQ (kept with the completed job for a while). */
export interface PriceQuoteResult {
  outcome: RunOutcome;
  mode?: PricingMode;
  totalCents?: number;
  cacheHit?: boolean;
  /** Whether this run wrote the quote's QuotePriced (false: an earlier run already had). */
  published?: boolean;
}

/**
 * Prices one quote: loads its pricing job from the MES database (a finished job is left alone,
 * so a re-run after a crash publishes nothing twice), picks the mode, answers from the result
 * cache or reads the file from S3 and runs the engine in a worker thread with progress, and
 * writes the priced model and QuotePriced in one transaction — or, when the quote cannot be
 * priced, QuoteFailed with a reason the customer can act on.
 */
export class PriceQuoteProcessor implements JobHandler {
  readonly name = PRICE_QUOTE_JOB;

  constructor(private readonly deps: PriceQuoteDeps) {}

  async process(
    job: Job,
    _token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<PriceQuoteResult> {
    const parsed = PriceQuoteJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${parsed.error.message}`);
    const data = parsed.data;
    const { span, context: ctx } = startPricingProcessSpan(
      this.deps.config.PRICING_QUEUE,
      job,
      data.quoteId,
      data,
    );
    try {
      const result = await context.with(ctx, () => this.run(job, data.quoteId, ctx, span, signal));
      span.setAttribute('fabflow.pricing.outcome', result.outcome);
      return result;
    } catch (err) {
      failSpan(span, err as Error, (err as Error).name);
      throw err;
    } finally {
      span.end();
    }
  }

  private async run(
    job: Job,
    quoteId: string,
    ctx: Context,
    span: Span,
    signal: AbortSignal | undefined,
  ): Promise<PriceQuoteResult> {
    const { metrics, logger, config } = this.deps;
    const started = performance.now();
    const run = await this.deps.jobs.startRun(quoteId);
    if (!run) {
      logger.info({ quoteId }, 'pricing job already finished (or unknown); nothing to do');
      metrics.runs.inc({ outcome: 'skipped' });
      return { outcome: 'skipped' };
    }
    const fields = { order_id: quoteId, job_id: String(job.id), attempt: String(run.attempts) };
    return runWithContext({ correlationId: run.correlation_id ?? quoteId, fields }, async () => {
      if (run.attempts === 1 && job.processedOn)
        metrics.wait.observe({ channel: run.channel }, (job.processedOn - job.timestamp) / 1000);
      const plan = planMode(run.requested_mode, run.file.sizeBytes, config);
      span.setAttribute(MessagingAttr.ATTEMPT, run.attempts);
      span.setAttribute('fabflow.pricing.requested_mode', run.requested_mode);
      logger.info({ mode: plan.mode, why: plan.why, file: run.file.key }, 'pricing started');
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const { priced, cacheHit } = await this.price(job, run, plan, ctx, signal);
        const published = await this.deps.events.priced(run, priced, cacheHit);
        const outcome: RunOutcome = priced.status === 'NEEDS_REVIEW' ? 'needs_review' : 'ready';
        metrics.runs.inc({ outcome });
        metrics.jobDuration.observe({ mode: priced.mode, outcome }, seconds());
        span.setAttribute('fabflow.pricing.mode', priced.mode);
        logger.info(
          { outcome, mode: priced.mode, totalCents: priced.price.totalCents, cacheHit, published },
          'quote priced',
        );
        return {
          outcome,
          mode: priced.mode,
          totalCents: priced.price.totalCents,
          cacheHit,
          published,
        };
      } catch (err) {
        if (isAbort(err)) throw err;
        const decision = decideFailure(err, config.PRICING_TIMEOUT_MS);
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (decision.final) {
          await this.deps.events.failed(quoteId, decision.code, decision.reason);
          const outcome: RunOutcome = decision.internal ? 'internal_error' : 'failed';
          metrics.runs.inc({ outcome });
          metrics.jobDuration.observe({ mode: plan.mode, outcome }, seconds());
          (decision.internal ? logger.error : logger.warn).call(
            logger,
            { code: decision.code, err: (err as Error).message },
            'quote cannot be priced; not retried',
          );
          throw unrecoverable(decision.code, decision.reason);
        }
        if (lastAttempt) {
          await this.deps.events.failed(quoteId, internalFailure.code, internalFailure.reason);
          metrics.runs.inc({ outcome: 'internal_error' });
          metrics.jobDuration.observe({ mode: plan.mode, outcome: 'internal_error' }, seconds());
          logger.error(
            { err: (err as Error).message, attempts: job.attemptsMade + 1 },
            'pricing failed on its last attempt; the quote is FAILED (INTERNAL)',
          );
          throw err;
        }
        metrics.runs.inc({ outcome: 'retried' });
        metrics.jobDuration.observe({ mode: plan.mode, outcome: 'retried' }, seconds());
        logger.warn(
          { err: (err as Error).message, attempt: job.attemptsMade + 1 },
          'pricing failed; BullMQ retries it after a backoff',
        );
        throw err;
      }
    });
  }

  /** The priced model: from the cache when the same file and parameters were priced before. */
  private async price(
    job: Job,
    run: RunningJob,
    plan: ModePlan,
    ctx: Context,
    signal: AbortSignal | undefined,
  ): Promise<{ priced: PricedModel; cacheHit: boolean }> {
    const pricing = await this.deps.pricingContext.load();
    // Not the customer's doing and perhaps fixed in a moment: retried, then INTERNAL.
    if (!pricing) throw new Error('no active price list in the MES database');
    const keyOf = (mode: PricingMode) =>
      cacheKey({
        sha256: run.file.sha256,
        unit: run.file.unit,
        materialId: run.material_id,
        quantity: run.quantity,
        leadTime: run.lead_time,
        mode,
        priceListVersion: pricing.priceListVersion,
        machines: pricing.machines,
      });
    const lookup = async (mode: PricingMode) => {
      const found = await this.deps.cache.get(keyOf(mode).key);
      this.deps.metrics.cache.inc({ result: found ? 'hit' : 'miss' });
      return found;
    };
    let compute = plan;
    const cached = await lookup(plan.mode);
    if (cached) {
      if (!needsFirm(plan, cached.price.totalCents)) return { priced: cached, cacheHit: true };
      const firm = await lookup('FIRM');
      if (firm) return { priced: firm, cacheHit: true };
      compute = { mode: 'FIRM', why: plan.why };
    }
    const outcome = await this.calculate(job, run, compute, pricing, ctx, signal);
    for (const [mode, result] of [
      ['INDICATIVE', outcome.indicative],
      ['FIRM', outcome.firm],
    ] as const) {
      if (!result) continue;
      const { key, params } = keyOf(mode);
      await this.deps.cache
        .put(key, params, toPricedModel(result, mode))
        .catch((err: Error) =>
          this.deps.logger.warn({ err: err.message }, 'could not cache the engine result'),
        );
    }
    const final = outcome.firm
      ? toPricedModel(outcome.firm, 'FIRM')
      : toPricedModel(outcome.indicative!, 'INDICATIVE');
    return { priced: final, cacheHit: false };
  }

  /** Reads the file and runs the engine in a worker thread, reporting progress as it goes. */
  private async calculate(
    job: Job,
    run: RunningJob,
    plan: ModePlan,
    pricing: PricingContext,
    ctx: Context,
    signal: AbortSignal | undefined,
  ): Promise<EngineOutcome> {
    const { config, metrics } = this.deps;
    if (run.file.sizeBytes > config.UPLOAD_MAX_BYTES) {
      throw new PricingJobRejected(
        'FILE_TOO_LARGE',
        `The file is larger than the ${Math.floor(config.UPLOAD_MAX_BYTES / 1024 ** 2)} MB we can price. Simplify the model and upload it again.`,
      );
    }
    const bytes = await readModelFile(
      this.deps.storage(run.file.bucket),
      run.file.key,
      run.file.sizeBytes,
      config.UPLOAD_MAX_BYTES,
    );
    if (!bytes) {
      throw new PricingJobRejected(
        'FILE_MISSING',
        'The uploaded model file could not be found any more. Upload it again and request a new quote.',
      );
    }
    const tracker = new ProgressTracker(plan.mode, plan.firmAboveCents !== undefined);
    const reporter = new ProgressReporter(
      config.PRICING_PROGRESS_INTERVAL_MS,
      {
        event: (s) => this.deps.events.progressed(run, s),
        job: (s) => job.updateProgress({ ...s, attempt: run.attempts }),
      },
      this.deps.logger,
    );
    reporter.report(tracker.update('parse', 0));
    try {
      return await this.deps.pool.run(
        {
          bytes,
          unit: run.file.unit,
          materialId: run.material_id,
          quantity: run.quantity,
          leadTime: run.lead_time,
          mode: plan.mode,
          firmAboveCents: plan.firmAboveCents,
          machines: pricing.machines,
          priceList: pricing.priceList as PriceList,
        },
        {
          timeoutMs: config.PRICING_TIMEOUT_MS,
          signal,
          onMessage: (m) => {
            switch (m.type) {
              case 'progress':
                reporter.report(tracker.update(m.stage, m.fraction));
                break;
              case 'stage':
                metrics.stageDuration.observe(
                  { stage: m.stage, mode: m.mode },
                  (m.endedAt - m.startedAt) / 1000,
                );
                recordStageSpan(ctx, m.stage, m.mode, m.startedAt, m.endedAt);
                break;
              case 'upgrade':
                tracker.upgrade();
                this.deps.logger.info('indicative total above the firm threshold: pricing FIRM');
                break;
            }
          },
        },
      );
    } finally {
      await reporter.close();
    }
  }
}
