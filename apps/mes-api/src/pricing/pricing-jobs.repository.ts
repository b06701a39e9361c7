import { Inject, Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { PricedModel, PricingJobStatus, SalesChannel } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { MesDatabase, PricingJobsTable } from '../mes.database';

export type PricingJobRow = Selectable<PricingJobsTable>;
export type NewPricingJob = Insertable<PricingJobsTable>;

/** What the dispatcher needs of a job it is about to enqueue. */
export interface UndispatchedJob {
  quote_id: string;
  status: PricingJobStatus;
  channel: SalesChannel;
  priority: number;
  trace_context: { traceparent?: string; tracestate?: string } | null;
}

/** Unfinished jobs per status and channel, for the metrics. */
export interface OpenJobStats {
  open: Array<{ status: PricingJobStatus; channel: SalesChannel; n: number }>;
  /** Age of the oldest job not yet started, per channel (absent: none waiting). */
  oldestQueuedSeconds: Partial<Record<SalesChannel, number>>;
  undispatched: number;
}

/**
 * A quote's pricing outcome as the MES shows it (the work-order detail, operators): the priced
 * model summary and price breakdown once DONE, the reason once FAILED.
 */
export interface PricingOutcome {
  quoteId: string;
  status: PricingJobStatus;
  mode: PricedModel['mode'] | null;
  result: PricedModel | null;
  failure: { code: string; reason: string } | null;
  finishedAt: Date | null;
}

@Injectable()
export class PricingJobsRepository {
  constructor(@Inject(DB) private readonly db: Kysely<MesDatabase>) {}

  /** Records a quote's pricing job once; undefined when the quote already has one. */
  insertIfAbsent(tx: Transaction<MesDatabase>, job: NewPricingJob) {
    return tx
      .insertInto('pricing_jobs')
      .values(job)
      .onConflict((oc) => oc.column('quote_id').doNothing())
      .returning(['quote_id', 'priority', 'version'])
      .executeTakeFirst();
  }

  /**
   * Locks up to `limit` jobs not yet in BullMQ, most urgent first, skipping rows another
   * dispatcher (another mes-api instance) holds: each job is claimed by one instance at a time.
   */
  claimUndispatched(tx: Transaction<MesDatabase>, limit: number): Promise<UndispatchedJob[]> {
    return tx
      .selectFrom('pricing_jobs')
      .select(['quote_id', 'status', 'channel', 'priority', 'trace_context'])
      .where('enqueued_at', 'is', null)
      .orderBy('priority')
      .orderBy('created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  async markEnqueued(tx: Transaction<MesDatabase>, quoteIds: string[]): Promise<void> {
    if (quoteIds.length === 0) return;
    await tx
      .updateTable('pricing_jobs')
      .set({ enqueued_at: sql<Date>`clock_timestamp()`, updated_at: sql<Date>`clock_timestamp()` })
      .where('quote_id', 'in', quoteIds)
      .execute();
  }

  find(quoteId: string): Promise<PricingJobRow | undefined> {
    return this.db
      .selectFrom('pricing_jobs')
      .selectAll()
      .where('quote_id', '=', quoteId)
      .executeTakeFirst();
  }

  /** The priced model and breakdown (or the failure) of a quote; undefined for an unknown quote. */
  async findResultByQuoteId(quoteId: string): Promise<PricingOutcome | undefined> {
    const row = await this.db
      .selectFrom('pricing_jobs')
      .select([
        'quote_id',
        'status',
        'mode',
        'result',
        'failure_code',
        'failure_reason',
        'finished_at',
      ])
      .where('quote_id', '=', quoteId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      quoteId: row.quote_id,
      status: row.status,
      mode: row.mode,
      result: row.status === 'DONE' ? row.result : null,
      failure:
        row.status === 'FAILED' && row.failure_code
          ? { code: row.failure_code, reason: row.failure_reason ?? '' }
          : null,
      finishedAt: row.finished_at,
    };
  }

  /**
   * The machine the pricing engine planned a quote's parts on, when its job is DONE and the
   * machine is still on the shop floor; undefined otherwise (an order made before pricing, or a
   * fixture quote in tests): the operator assigns one then.
   */
  async plannedMachine(tx: Transaction<MesDatabase>, quoteId: string): Promise<string | undefined> {
    const row = await tx
      .selectFrom('pricing_jobs as j')
      .innerJoin('machines as m', (join) =>
        join.on(sql<string>`j.result->>'machineId'`, '=', sql.ref('m.id')),
      )
      .select('m.id')
      .where('j.quote_id', '=', quoteId)
      .where('j.status', '=', 'DONE')
      .executeTakeFirst();
    return row?.id;
  }

  /** One round trip for every pricing gauge (the open-jobs index covers it). */
  async openStats(): Promise<OpenJobStats> {
    const rows = await sql<{
      status: PricingJobStatus;
      channel: SalesChannel;
      n: number;
      oldest_queued: number | null;
      undispatched: number;
    }>`
      SELECT status, channel, count(*)::int AS n,
        extract(epoch FROM clock_timestamp() - min(created_at) FILTER (WHERE status = 'QUEUED'))::float8 AS oldest_queued,
        count(*) FILTER (WHERE enqueued_at IS NULL)::int AS undispatched
      FROM pricing_jobs WHERE status IN ('QUEUED', 'RUNNING')
      GROUP BY status, channel`.execute(this.db);
    const stats: OpenJobStats = { open: [], oldestQueuedSeconds: {}, undispatched: 0 };
    for (const r of rows.rows) {
      stats.open.push({ status: r.status, channel: r.channel, n: r.n });
      if (r.oldest_queued !== null) stats.oldestQueuedSeconds[r.channel] = r.oldest_queued;
      stats.undispatched += r.undispatched;
    }
    return stats;
  }
}
