import {
  QuoteFailed,
  QuotePriced,
  QuoteProgressed,
  type PricedModel,
  type PricingMode,
} from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import type { PricingJobRunRepository, RunningJob } from '@fabflow/pricing-jobs';
import type { WorkerDatabase } from '../worker.database';

const DAY_MS = 86_400_000;

/**
 * Writes what happens to a quote's pricing into the MES database together with its event, one
 * transaction each, and only while the job is unfinished: a job finished by an earlier run (a
 * re-run after a crash) gets neither a second result nor a second event.
 */
export class QuoteEventWriter {
  constructor(
    private readonly uow: UnitOfWork<WorkerDatabase>,
    private readonly jobs: PricingJobRunRepository,
    private readonly validityDays: number,
  ) {}

  /** Progress and QuoteProgressed (the job row's next version). */
  async progressed(
    run: RunningJob,
    s: { stage: string; fraction: number; overall: number; mode: PricingMode },
  ): Promise<void> {
    await this.uow.run(async (tx, events) => {
      const version = await this.jobs.progress(tx, run.quote_id, s.stage, s.overall);
      if (version === undefined) return;
      await events.emit(
        QuoteProgressed,
        {
          quoteId: run.quote_id,
          stage: s.stage,
          fraction: s.fraction,
          overall: s.overall,
          mode: s.mode,
          attempt: run.attempts,
        },
        { subject: run.quote_id, version },
      );
    });
  }

  /** DONE with the priced model and QuotePriced; false when the job had already finished. */
  priced(run: RunningJob, priced: PricedModel, cacheHit: boolean): Promise<boolean> {
    return this.uow.run(async (tx, events) => {
      const done = await this.jobs.finish(tx, run.quote_id, priced, cacheHit);
      if (!done) return false;
      const validUntil = new Date(done.finishedAt.getTime() + this.validityDays * DAY_MS);
      await events.emit(
        QuotePriced,
        {
          ...priced,
          quoteId: run.quote_id,
          validUntil: validUntil.toISOString(),
          pricedAt: done.finishedAt.toISOString(),
        },
        { subject: run.quote_id, version: done.version },
      );
      return true;
    });
  }

  /** FAILED with the reason and QuoteFailed; false when the job had already finished. */
  failed(quoteId: string, code: string, reason: string): Promise<boolean> {
    return this.uow.run(async (tx, events) => {
      const failed = await this.jobs.fail(tx, quoteId, code, reason);
      if (!failed) return false;
      await events.emit(
        QuoteFailed,
        { quoteId, code, reason, failedAt: failed.finishedAt.toISOString() },
        { subject: quoteId, version: failed.version },
      );
      return true;
    });
  }
}
