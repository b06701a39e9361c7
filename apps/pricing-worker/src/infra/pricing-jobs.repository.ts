import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { PricedModel } from '@fabflow/contracts';
import type { Machine } from '@fabflow/pricing-engine';
import type { WorkerDatabase } from '../worker.database';

export type RunningJob = Selectable<WorkerDatabase['pricing_jobs']>;

export interface PricingContext {
  priceListVersion: string;
  /** The stored body; the engine validates it (validatePriceList) on every calculation. */
  priceList: unknown;
  machines: Machine[];
}

const FINAL = ['DONE', 'FAILED'] as const;

/** The worker's reads and writes of pricing jobs in the MES database. */
export class PricingJobsRepository {
  constructor(private readonly db: Kysely<WorkerDatabase>) {}

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

  /** The active price list and the active machines (what every calculation prices against). */
  async pricingContext(): Promise<PricingContext | undefined> {
    const list = await this.db
      .selectFrom('price_lists')
      .select(['version', 'body'])
      .where('active', '=', true)
      .executeTakeFirst();
    if (!list) return undefined;
    const machines = await this.db
      .selectFrom('machines')
      .select(['id', 'technology', 'build_x_mm', 'build_y_mm', 'build_z_mm'])
      .where('active', '=', true)
      .orderBy('id')
      .execute();
    return {
      priceListVersion: list.version,
      priceList: list.body,
      machines: machines.map((m) => ({
        id: m.id,
        technology: m.technology,
        buildVolumeMm: {
          x: Number(m.build_x_mm),
          y: Number(m.build_y_mm),
          z: Number(m.build_z_mm),
        },
      })),
    };
  }

  /** Records progress of a running job; its new aggregate version, or undefined once it has ended. */
  async progress(
    tx: Transaction<WorkerDatabase>,
    quoteId: string,
    stage: string,
    overall: number,
  ): Promise<number | undefined> {
    const row = await tx
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
  finish(
    tx: Transaction<WorkerDatabase>,
    quoteId: string,
    priced: PricedModel,
    cacheHit: boolean,
  ): Promise<{ version: number; finishedAt: Date } | undefined> {
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
  fail(
    tx: Transaction<WorkerDatabase>,
    quoteId: string,
    code: string,
    reason: string,
  ): Promise<{ version: number; finishedAt: Date } | undefined> {
    return this.finalise(tx, quoteId, {
      status: 'FAILED',
      failure_code: code,
      failure_reason: reason,
    });
  }

  /** Moves a job not yet final into its final state (one conditional update), with a new version. */
  private async finalise(
    tx: Transaction<WorkerDatabase>,
    quoteId: string,
    fields: Updateable<WorkerDatabase['pricing_jobs']>,
  ): Promise<{ version: number; finishedAt: Date } | undefined> {
    const r = await tx
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
