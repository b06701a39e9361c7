import { performance } from 'node:perf_hooks';
import type { Span } from '@opentelemetry/api';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { WakeableLoop, type BackoffEvent, type PassOutcome } from '@fabflow/loop';
import type { Logger } from '@fabflow/observability';
import { publishOptions } from './envelope';
import type { ConfirmPublisher, OutgoingMessage } from './confirm-publisher';
import type { MessagingMetrics } from './messaging-metrics';
import { endPublishSpans, startPublishSpan } from './messaging-tracing';
import type { MessagingTables } from './tables';

export interface OutboxRelayOptions {
  batchSize?: number;
  pollIntervalMs: number;
  /** Published rows older than this are deleted (default a day). */
  retentionMs?: number;
  /** How often the relay looks for rows past retention (default a minute). */
  cleanupIntervalMs?: number;
  maxBackoffMs?: number;
  /**
   * How long rows may stay unroutable before the relay warns (default 30 s). At start-up the
   * services that subscribe to an event may not have declared their queues yet; until then its
   * rows are retried quietly (debug). Rows still unroutable after this are worth a warning.
   */
  unroutableWarnAfterMs?: number;
  metrics?: MessagingMetrics;
  /**
   * Runs after the broker has confirmed a batch and before its rows are marked published.
   * A crash here means the batch is published again later: consumers' inboxes absorb that.
   * Fault tests use it to crash at exactly this point.
   */
  afterPublish?: (ids: string[]) => Promise<void>;
  /** Told of every batch the broker confirmed, once its rows are marked (benchmarks use it). */
  onBatch?: (batch: RelayBatchTiming) => void;
}

/** One confirmed batch, with `performance.now()` timestamps of its steps. */
export interface RelayBatchTiming {
  /** Before the claim (`FOR UPDATE SKIP LOCKED`). */
  claimStartedAt: number;
  /** The batch handed to the confirm channel. */
  publishStartedAt: number;
  /** Every message of the batch confirmed (or returned unroutable) by the broker. */
  confirmedAt: number;
  /** The rows marked and the transaction committed. */
  committedAt: number;
  /** Ids (message ids) of the rows published. */
  published: string[];
  /** Ids of the rows the broker returned as unroutable (left in the outbox). */
  unroutable: string[];
}

type OutboxRow = Pick<
  Selectable<MessagingTables['outbox']>,
  'id' | 'exchange' | 'routing_key' | 'payload' | 'headers' | 'created_at'
>;

interface BatchOutcome {
  published: OutboxRow[];
  unroutable: string[];
  publishStartedAt: number;
  confirmedAt: number;
}

const NOTHING: BatchOutcome = {
  published: [],
  unroutable: [],
  publishStartedAt: 0,
  confirmedAt: 0,
};

/**
 * Publishes outbox rows in batches with confirms and marks them published. Rows are claimed
 * with `FOR UPDATE SKIP LOCKED`, so several relays (instances) can run at once. It is woken
 * in-process right after a commit that wrote rows, and polls as a safety net (a WakeableLoop);
 * while the broker is down it retries forever with backoff, leaving rows in place.
 */
export class OutboxRelay {
  private readonly loop: WakeableLoop;
  private lastCleanup = 0;
  private lastUnroutable = 0;
  private unroutableSince: number | undefined;
  private unroutableWarned = false;
  /** Published in total by this relay; for metrics and tests. */
  published = 0;

  constructor(
    private readonly db: Kysely<MessagingTables>,
    private readonly publisher: ConfirmPublisher,
    private readonly logger: Logger,
    private readonly opts: OutboxRelayOptions,
  ) {
    this.loop = new WakeableLoop({
      pass: () => this.pass(),
      pollIntervalMs: opts.pollIntervalMs,
      backoff: { maxMs: opts.maxBackoffMs ?? 5000 },
      onBackoff: (event) => this.onBackoff(event),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Signals that rows were committed; the relay publishes them now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** The broker is reachable again: cut any backoff short and publish now. */
  resume(): void {
    this.loop.resume();
  }

  /** Stops; resolves once the batch in progress (if any) is published and marked, or failed. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async pass(): Promise<PassOutcome> {
    const batchSize = this.opts.batchSize ?? 100;
    const { sent, unroutable } = await this.publishBatch(batchSize);
    await this.cleanupIfDue();
    this.lastUnroutable = unroutable;
    // Rows no queue is bound for yet: retried with backoff, but a commit still wakes the relay,
    // so the other rows are not held back behind them.
    if (unroutable > 0) return 'blocked';
    this.unroutableSince = undefined;
    this.unroutableWarned = false;
    return sent === batchSize ? 'more' : 'idle';
  }

  private onBackoff({ failures, retryInMs, error, worthReporting }: BackoffEvent): void {
    this.opts.metrics?.publishFailures.inc();
    if (error) {
      if (worthReporting)
        this.logger.warn(
          { err: error.message, failures, retryInMs },
          'outbox relay: publish failed',
        );
      return;
    }
    const now = Date.now();
    this.unroutableSince ??= now;
    const fields = { unroutable: this.lastUnroutable, failures, retryInMs };
    if (now - this.unroutableSince < (this.opts.unroutableWarnAfterMs ?? 30_000)) {
      this.logger.debug(
        fields,
        'outbox relay: unroutable rows wait for their subscribers to declare their queues',
      );
    } else if (!this.unroutableWarned || failures % 20 === 0) {
      this.unroutableWarned = true;
      this.logger.warn(
        { ...fields, forMs: now - this.unroutableSince },
        'outbox relay: unroutable rows (no queue bound for them yet) stay in the outbox',
      );
    }
  }

  /**
   * Claims up to `limit` unpublished rows, publishes them with confirms, marks them. A row the
   * broker returned as unroutable (no queue bound for it yet) stays unpublished with its attempt
   * counted, without holding back the rest of the batch.
   */
  private async publishBatch(limit: number): Promise<{ sent: number; unroutable: number }> {
    const claimStartedAt = performance.now();
    const result = await this.db.transaction().execute(async (tx) => {
      const rows = await this.claim(tx, limit);
      return rows.length === 0 ? NOTHING : this.publishClaimed(tx, rows);
    });
    // A failed publish committed its attempt count (visible to operators); now it fails the pass.
    if (result instanceof Error) throw result;
    if (result === NOTHING) return { sent: 0, unroutable: 0 };
    this.published += result.published.length;
    this.record(result, claimStartedAt);
    return {
      sent: result.published.length + result.unroutable.length,
      unroutable: result.unroutable.length,
    };
  }

  private claim(tx: Transaction<MessagingTables>, limit: number): Promise<OutboxRow[]> {
    return tx
      .selectFrom('outbox')
      .select(['id', 'exchange', 'routing_key', 'payload', 'headers', 'created_at'])
      .where('published_at', 'is', null)
      .orderBy('created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  /** Publishes claimed rows and marks them in the claim's transaction; an Error if the publish failed. */
  private async publishClaimed(
    tx: Transaction<MessagingTables>,
    rows: OutboxRow[],
  ): Promise<BatchOutcome | Error> {
    const ids = rows.map((r) => r.id);
    const { messages, spans } = toMessages(rows);
    const publishStartedAt = performance.now();
    let unroutable: Set<string>;
    try {
      unroutable = await this.publisher.publishReportingUnroutable(messages);
    } catch (err) {
      endPublishSpans(spans, err as Error);
      await tx
        .updateTable('outbox')
        .set({ attempts: sql`attempts + 1`, last_error: (err as Error).message.slice(0, 500) })
        .where('id', 'in', ids)
        .execute();
      // Commit the attempt count, then back off: rows stay unpublished.
      return err as Error;
    }
    const confirmedAt = performance.now();
    endPublishSpans(spans.filter((_, i) => !unroutable.has(ids[i]!)));
    endPublishSpans(
      spans.filter((_, i) => unroutable.has(ids[i]!)),
      new Error('unroutable: no queue is bound for this event yet'),
    );
    await this.opts.afterPublish?.(ids);
    const routed = rows.filter((r) => !unroutable.has(r.id));
    await markPublished(tx, routed);
    await markUnroutable(tx, [...unroutable]);
    return { published: routed, unroutable: [...unroutable], publishStartedAt, confirmedAt };
  }

  private record(result: BatchOutcome, claimStartedAt: number): void {
    const metrics = this.opts.metrics;
    if (metrics) {
      metrics.published.inc(result.published.length);
      const now = Date.now();
      for (const row of result.published)
        metrics.relayLag.observe((now - new Date(row.created_at).getTime()) / 1000);
    }
    if (!this.opts.onBatch) return;
    this.opts.onBatch({
      claimStartedAt,
      publishStartedAt: result.publishStartedAt,
      confirmedAt: result.confirmedAt,
      committedAt: performance.now(),
      published: result.published.map((r) => r.id),
      unroutable: result.unroutable,
    });
  }

  private async cleanupIfDue(): Promise<void> {
    const retention = this.opts.retentionMs ?? 24 * 3600_000;
    if (Date.now() - this.lastCleanup < (this.opts.cleanupIntervalMs ?? 60_000)) return;
    this.lastCleanup = Date.now();
    await sql`DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE published_at < clock_timestamp() - ${retention} * interval '1 millisecond'
      LIMIT 5000)`.execute(this.db);
  }
}

/** The rows as AMQP messages, each with its publish span (a child of the span that wrote the row). */
function toMessages(rows: OutboxRow[]): { messages: OutgoingMessage[]; spans: Span[] } {
  const spans: Span[] = [];
  const messages = rows.map((r) => {
    const content = Buffer.from(JSON.stringify(r.payload));
    const { span, headers } = startPublishSpan({
      id: r.id,
      exchange: r.exchange,
      routingKey: r.routing_key,
      headers: r.headers,
      data: r.payload,
      bodySize: content.length,
    });
    spans.push(span);
    return {
      exchange: r.exchange,
      routingKey: r.routing_key,
      content,
      options: { ...publishOptions(headers), messageId: r.id },
    };
  });
  return { messages, spans };
}

async function markPublished(tx: Transaction<MessagingTables>, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .updateTable('outbox')
    .set({ published_at: sql`clock_timestamp()` as unknown as Date, last_error: null })
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
}

async function markUnroutable(tx: Transaction<MessagingTables>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .updateTable('outbox')
    .set({
      attempts: sql`attempts + 1`,
      last_error: 'unroutable: no queue is bound for this exchange and routing key yet',
    })
    .where('id', 'in', ids)
    .execute();
}
