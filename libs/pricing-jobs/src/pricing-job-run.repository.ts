import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { PricedModel } from '@fabflow/contracts';
import { jobsTransaction } from './jobs-transaction';
import type { PricingJobRow, PricingJobsTable, PricingJobsTables } from './pricing-jobs.table';

/** A job as a run of it starts (RUNNING, its attempt counted). */
export type RunningJob = PricingJobRow;

/** A job moved into its final state: its new aggregate version and when it finished. */
export interface FinalisedJob {
  version: number;
  finishedAt: Date;
}

const FINAL = ['DONE', 'FAILED'] as const;

/**
 * The pricing worker's side of pricing jobs: starts a run, records its progress, and finalises
 * the job (DONE with its priced model, or FAILED with a reason) in one conditional update, so a
 * re-run of a job that already finished writes nothing twice. The MES's side (record and
 * dispatch) is PricingJobDispatchRepository.
 */
export class PricingJobRunRepository<DB extends PricingJobsTables = PricingJobsTables> {
  private readonly db: Kysely<PricingJobsTables>;

  /** `db`: a side's database, whose schema extends PricingJobsTables. */
  constructor(db: Kysely<DB>) {
    this.db = db as unknown as Kysely<PricingJobsTables>;
  }

  /**
   * Starts a run of the job: RUNNING, one more attempt. Undefined when the job is already
   * finished (a re-run after a crash that happened once the result was committed) or unknown.
   */
  startRun(quoteId: string): Promise<RunningJob | undefined> {
    return this.db
      .updateTable('pricing_jobs')
      .set({
        status: 'RUNNING',
        attempts: sql`attempts + 1`,
        started_at: sql`coalesce(started_at, clock_timestamp())`,
        updated_at: sql`clock_timestamp()`,
      })
      .where('quote_id', '=', quoteId)
      .where('status', 'not in', FINAL)
      .returningAll()
      .executeTakeFirst();
  }

  /** Records progress of a running job; its new aggregate version, or undefined once it has ended. */
  async progress<T extends PricingJobsTables>(
    tx: Transaction<T>,
    quoteId: string,
    stage: string,
    overall: number,
  ): Promise<number | undefined> {
    const row = await jobsTransaction(tx)
      .updateTable('pricing_jobs')
      .set({
        progress_stage: stage,
        progress_overall: overall,
        version: sql`version + 1`,
        updated_at: sql`clock_timestamp()`,
      })
      .where('quote_id', '=', quoteId)
      .where('status', '=', 'RUNNING')
      .returning('version')
      .executeTakeFirst();
    return row?.version;
  }

  /**
   * Finishes the job with its priced model: the one conditional update that decides whether
   * this run publishes QuotePriced. Undefined when the job had already finished.
   */
  finish<T extends PricingJobsTables>(
    tx: Transaction<T>,
    quoteId: string,
    priced: PricedModel,
    cacheHit: boolean,
  ): Promise<FinalisedJob | undefined> {
    return this.finalise(tx, quoteId, {
      status: 'DONE',
      mode: priced.mode,
      result: JSON.stringify(priced),
      price_list_version: priced.priceListVersion,
      cache_hit: cacheHit,
      progress_overall: 1,
    });
  }

  /** Fails the job with a reason; undefined when it had already finished (no second event). */
  fail<T extends PricingJobsTables>(
    tx: Transaction<T>,
    quoteId: string,
    code: string,
    reason: string,
  ): Promise<FinalisedJob | undefined> {
    return this.finalise(tx, quoteId, {
      status: 'FAILED',
      failure_code: code,
      failure_reason: reason,
    });
  }

  /** Moves a job not yet final into its final state (one conditional update), with a new version. */
  private async finalise<T extends PricingJobsTables>(
    tx: Transaction<T>,
    quoteId: string,
    fields: Updateable<PricingJobsTable>,
  ): Promise<FinalisedJob | undefined> {
    const r = await jobsTransaction(tx)
      .updateTable('pricing_jobs')
      .set({
        ...fields,
        finished_at: sql`clock_timestamp()`,
        version: sql`version + 1`,
        updated_at: sql`clock_timestamp()`,
      })
      .where('quote_id', '=', quoteId)
      .where('status', 'not in', FINAL)
      .returning(['version', 'finished_at'])
      .executeTakeFirst();
    return r ? { version: r.version, finishedAt: r.finished_at! } : undefined;
  }
}
