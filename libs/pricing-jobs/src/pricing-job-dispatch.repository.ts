import { sql, type Kysely, type Transaction } from 'kysely';
import type { PricingJobStatus, SalesChannel } from '@fabflow/contracts';
import { jobsTransaction } from './jobs-transaction';
import type { NewPricingJob, PricingJobsTables } from './pricing-jobs.table';

/** Where a pass of the lost-job recovery stopped (PricingJobRecovery). */
export interface EnqueuedJobCursor {
  quote_id: string;
  enqueued_at: Date;
}

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
  /**
   * Age of the oldest job not yet started, per channel (absent: none waiting), not counting jobs
   * held by their account's cap: those wait by design, and their account's own backlog is no
   * sign that pricing is stuck.
   */
  oldestQueuedSeconds: Partial<Record<SalesChannel, number>>;
  undispatched: number;
  /** Jobs not in BullMQ because their account has its cap of jobs in flight. */
  heldByCap: number;
}

/**
 * CTEs `in_flight` (jobs per account enqueued or running and not finished) and `candidates`
 * (every job not yet in BullMQ, with its `turn` in the round-robin and whether its account's cap
 * lets it go now). Shared by the dispatcher's claim and the held-jobs gauge.
 */
function dispatchable() {
  return sql`
    in_flight AS (
      SELECT account_id, count(*)::int AS n FROM pricing_jobs
      WHERE account_id IS NOT NULL
        AND (status = 'RUNNING' OR (status = 'QUEUED' AND enqueued_at IS NOT NULL))
      GROUP BY account_id
    ),
    waiting AS (
      SELECT quote_id, account_id, max_concurrent_jobs, priority, created_at,
        row_number() OVER (
          PARTITION BY account_id ORDER BY priority, created_at, quote_id
        )::int AS turn
      FROM pricing_jobs WHERE enqueued_at IS NULL AND status = 'QUEUED'
    ),
    candidates AS (
      SELECT w.quote_id, w.priority, w.created_at, w.turn,
        (w.account_id IS NULL OR w.max_concurrent_jobs IS NULL
          OR coalesce(f.n, 0) + w.turn <= w.max_concurrent_jobs) AS dispatchable
      FROM waiting w LEFT JOIN in_flight f ON f.account_id = w.account_id
      UNION ALL
      SELECT quote_id, priority, created_at, 0, true FROM pricing_jobs
      WHERE enqueued_at IS NULL AND status <> 'QUEUED'
    )`;
}

/**
 * The MES side of pricing jobs: records a quote's job, and dispatches jobs into BullMQ (the
 * dispatch lock, the fair claim of jobs that may go now, marking them enqueued), with the
 * gauges of what waits. The pricing worker's side is PricingJobRunRepository.
 */
export class PricingJobDispatchRepository<DB extends PricingJobsTables = PricingJobsTables> {
  private readonly db: Kysely<PricingJobsTables>;

  /** `db`: a side's database, whose schema extends PricingJobsTables. */
  constructor(db: Kysely<DB>) {
    this.db = db as unknown as Kysely<PricingJobsTables>;
  }

  /** Records a quote's pricing job once; undefined when the quote already has one. */
  insertIfAbsent<T extends PricingJobsTables>(tx: Transaction<T>, job: NewPricingJob) {
    return jobsTransaction(tx)
      .insertInto('pricing_jobs')
      .values(job)
      .onConflict((oc) => oc.column('quote_id').doNothing())
      .returning(['quote_id', 'priority', 'version'])
      .executeTakeFirst();
  }

  /**
   * Serializes dispatch passes across every mes-api instance (until the transaction ends): a
   * pass reads how many jobs each account has in flight and adds to that count, so two passes
   * at once could each see room for the same last slot. Passes are short (one claim, up to a
   * batch of BullMQ adds, one update), so instances take turns rather than share a pass.
   */
  async lockDispatch<T extends PricingJobsTables>(tx: Transaction<T>): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('pricing_jobs'), hashtext('dispatch'))`.execute(
      tx,
    );
  }

  /**
   * Locks up to `limit` jobs not yet in BullMQ that may go now, skipping rows another
   * transaction holds. A job of an account with a cap (`max_concurrent_jobs`, the tier's at
   * request time) may go while the account's jobs in flight (enqueued or running, not DONE or
   * FAILED) plus its rank among the account's waiting jobs stay within the cap; the others are
   * held, not claimed, so a batch of held jobs at the head never blocks the jobs behind it.
   * Order: priority (B2C first), then the rank within the account (round-robin: every account's
   * first waiting job, then every second, …; accountless jobs share one turn), then age.
   * Jobs already picked up by a worker but never marked enqueued (a dispatcher that died between
   * the add and the commit) are claimed whatever the cap, to be marked.
   */
  async claimUndispatched<T extends PricingJobsTables>(
    tx: Transaction<T>,
    limit: number,
  ): Promise<UndispatchedJob[]> {
    const rows = await sql<UndispatchedJob>`
      WITH ${dispatchable()}
      SELECT j.quote_id, j.status, j.channel, j.priority, j.trace_context
      FROM pricing_jobs j JOIN candidates c ON c.quote_id = j.quote_id
      WHERE c.dispatchable AND j.enqueued_at IS NULL
      ORDER BY c.priority, c.turn, c.created_at, c.quote_id
      LIMIT ${limit}
      FOR UPDATE OF j SKIP LOCKED`.execute(tx);
    return rows.rows;
  }

  async markEnqueued<T extends PricingJobsTables>(
    tx: Transaction<T>,
    quoteIds: string[],
  ): Promise<void> {
    if (quoteIds.length === 0) return;
    await jobsTransaction(tx)
      .updateTable('pricing_jobs')
      .set({ enqueued_at: sql<Date>`clock_timestamp()`, updated_at: sql<Date>`clock_timestamp()` })
      .where('quote_id', 'in', quoteIds)
      .execute();
  }

  /**
   * Jobs marked enqueued more than `olderThanMs` ago that no worker has started: the ones a
   * Redis that lost data (a failover before replication, a restart) may no longer hold. A page
   * of `limit` in enqueue order after `after` (the last one of the previous page), so a long
   * queue is checked a page at a time, all of it in turn.
   */
  async enqueuedNotStarted(
    olderThanMs: number,
    after: EnqueuedJobCursor | undefined,
    limit: number,
  ): Promise<EnqueuedJobCursor[]> {
    const rows = await sql<EnqueuedJobCursor>`
      SELECT quote_id, enqueued_at FROM pricing_jobs
      WHERE status = 'QUEUED'
        AND enqueued_at < clock_timestamp() - make_interval(secs => ${olderThanMs / 1000})
        AND (${after === undefined} OR (enqueued_at, quote_id) > (${after?.enqueued_at ?? null}::timestamptz, ${after?.quote_id ?? null}::uuid))
      ORDER BY enqueued_at, quote_id
      LIMIT ${limit}`.execute(this.db);
    return rows.rows;
  }

  /** Makes jobs not started yet undispatched again, for the dispatcher to add them anew. */
  async markUndispatched(quoteIds: string[]): Promise<number> {
    if (quoteIds.length === 0) return 0;
    const res = await this.db
      .updateTable('pricing_jobs')
      .set({ enqueued_at: null, updated_at: sql<Date>`clock_timestamp()` })
      .where('quote_id', 'in', quoteIds)
      .where('status', '=', 'QUEUED')
      .where('enqueued_at', 'is not', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** One round trip for every pricing gauge (the open-jobs and account indexes serve it). */
  async openStats(): Promise<OpenJobStats> {
    const rows = await sql<{
      status: PricingJobStatus;
      channel: SalesChannel;
      n: number;
      oldest_queued: number | null;
      undispatched: number;
      held: number;
    }>`
      WITH ${dispatchable()},
      held AS (SELECT quote_id FROM candidates WHERE NOT dispatchable)
      SELECT j.status, j.channel, count(*)::int AS n,
        extract(epoch FROM clock_timestamp() - min(j.created_at)
          FILTER (WHERE j.status = 'QUEUED' AND h.quote_id IS NULL))::float8 AS oldest_queued,
        count(*) FILTER (WHERE j.enqueued_at IS NULL)::int AS undispatched,
        (SELECT count(*) FROM held)::int AS held
      FROM pricing_jobs j LEFT JOIN held h ON h.quote_id = j.quote_id
      WHERE j.status IN ('QUEUED', 'RUNNING')
      GROUP BY j.status, j.channel`.execute(this.db);
    const stats: OpenJobStats = {
      open: [],
      oldestQueuedSeconds: {},
      undispatched: 0,
      // Held jobs are QUEUED: no open row, none held.
      heldByCap: rows.rows[0]?.held ?? 0,
    };
    for (const r of rows.rows) {
      stats.open.push({ status: r.status, channel: r.channel, n: r.n });
      if (r.oldest_queued !== null) stats.oldestQueuedSeconds[r.channel] = r.oldest_queued;
      stats.undispatched += r.undispatched;
    }
    return stats;
  }
}
