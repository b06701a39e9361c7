import type { Span } from '@opentelemetry/api';
import { sql, type Kysely } from 'kysely';
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
  metrics?: MessagingMetrics;
  /**
   * Runs after the broker has confirmed a batch and before its rows are marked published.
   * A crash here means the batch is published again later: consumers' inboxes absorb that.
   * Fault tests use it to crash at exactly this point.
   */
  afterPublish?: (ids: string[]) => Promise<void>;
}

/**
 * Publishes outbox rows in batches with confirms and marks them published. Rows are claimed
 * with `FOR UPDATE SKIP LOCKED`, so several relays (instances) can run at once. It is woken
 * in-process right after a commit that wrote rows, and polls as a safety net; while the
 * broker is down it retries forever with backoff, leaving rows in place.
 */
export class OutboxRelay {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wakeUp: ((force?: boolean) => void) | undefined;
  private woken = false;
  private failures = 0;
  private lastCleanup = 0;
  /** Published in total by this relay; for metrics and tests. */
  published = 0;

  constructor(
    private readonly db: Kysely<MessagingTables>,
    private readonly publisher: ConfirmPublisher,
    private readonly logger: Logger,
    private readonly opts: OutboxRelayOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Signals that rows were committed; the relay publishes them now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** The broker is reachable again: cut any backoff short and publish now. */
  resume(): void {
    this.failures = 0;
    this.woken = true;
    this.wakeUp?.(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.opts.batchSize ?? 100;
    while (!this.stopped) {
      this.woken = false;
      let sent = 0;
      let unroutable = 0;
      try {
        ({ sent, unroutable } = await this.publishBatch(batchSize));
        if (unroutable === 0) this.failures = 0;
        await this.cleanupIfDue();
      } catch (err) {
        this.failures += 1;
        this.opts.metrics?.publishFailures.inc();
        const delay = Math.min(
          this.opts.maxBackoffMs ?? 5000,
          100 * 2 ** Math.min(this.failures, 10),
        );
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.warn(
            { err: (err as Error).message, failures: this.failures, retryInMs: delay },
            'outbox relay: publish failed',
          );
        }
        await this.sleep(delay, false);
        continue;
      }
      if (unroutable > 0) {
        // Rows no queue is bound for yet: retried with backoff, but a commit still wakes the
        // relay, so the other rows are not held back behind them.
        this.failures += 1;
        this.opts.metrics?.publishFailures.inc();
        const delay = Math.min(
          this.opts.maxBackoffMs ?? 5000,
          100 * 2 ** Math.min(this.failures, 10),
        );
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.warn(
            { unroutable, failures: this.failures, retryInMs: delay },
            'outbox relay: unroutable rows (no queue bound for them yet) stay in the outbox',
          );
        }
        if (!this.woken) await this.sleep(delay, true);
        continue;
      }
      if (sent === batchSize || this.woken) continue;
      await this.sleep(this.opts.pollIntervalMs, true);
    }
  }

  /**
   * Claims up to `limit` unpublished rows, publishes them with confirms, marks them. A row the
   * broker returned as unroutable (no queue bound for it yet) stays unpublished with its attempt
   * counted, without holding back the rest of the batch.
   */
  private async publishBatch(limit: number): Promise<{ sent: number; unroutable: number }> {
    type Outcome = { published: Date[]; unroutable: number };
    const result = await this.db.transaction().execute(async (tx): Promise<Outcome | Error> => {
      const rows = await tx
        .selectFrom('outbox')
        .select(['id', 'exchange', 'routing_key', 'payload', 'headers', 'created_at'])
        .where('published_at', 'is', null)
        .orderBy('created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (rows.length === 0) return { published: [], unroutable: 0 };
      const spans: Span[] = [];
      const messages: OutgoingMessage[] = rows.map((r) => {
        const content = Buffer.from(JSON.stringify(r.payload));
        // One publish span per row, child of the span that wrote it; the message carries its context.
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
      const ids = rows.map((r) => r.id);
      let unroutable: Set<string>;
      try {
        unroutable = await this.publisher.publishReportingUnroutable(messages);
        endPublishSpans(spans.filter((_, i) => !unroutable.has(rows[i]!.id)));
        endPublishSpans(
          spans.filter((_, i) => unroutable.has(rows[i]!.id)),
          new Error('unroutable: no queue is bound for this event yet'),
        );
      } catch (err) {
        endPublishSpans(spans, err as Error);
        await tx
          .updateTable('outbox')
          .set({ attempts: sql`attempts + 1`, last_error: (err as Error).message.slice(0, 500) })
          .where('id', 'in', ids)
          .execute();
        // Commit the attempt count (visible to operators), then back off: rows stay unpublished.
        return err as Error;
      }
      await this.opts.afterPublish?.(ids);
      const routed = rows.filter((r) => !unroutable.has(r.id));
      if (routed.length > 0) {
        await tx
          .updateTable('outbox')
          .set({ published_at: sql`clock_timestamp()` as unknown as Date, last_error: null })
          .where(
            'id',
            'in',
            routed.map((r) => r.id),
          )
          .execute();
      }
      if (unroutable.size > 0) {
        await tx
          .updateTable('outbox')
          .set({
            attempts: sql`attempts + 1`,
            last_error: 'unroutable: no queue is bound for this exchange and routing key yet',
          })
          .where('id', 'in', [...unroutable])
          .execute();
      }
      return {
        published: routed.map((r) => new Date(r.created_at)),
        unroutable: unroutable.size,
      };
    });
    if (result instanceof Error) throw result;
    this.published += result.published.length;
    const metrics = this.opts.metrics;
    if (metrics) {
      metrics.published.inc(result.published.length);
      const now = Date.now();
      for (const createdAt of result.published)
        metrics.relayLag.observe((now - createdAt.getTime()) / 1000);
    }
    return { sent: result.published.length + result.unroutable, unroutable: result.unroutable };
  }

  private async cleanupIfDue(): Promise<void> {
    const retention = this.opts.retentionMs ?? 24 * 3600_000;
    if (Date.now() - this.lastCleanup < (this.opts.cleanupIntervalMs ?? 60_000)) return;
    this.lastCleanup = Date.now();
    await sql`DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE published_at < clock_timestamp() - ${retention} * interval '1 millisecond'
      LIMIT 5000)`.execute(this.db);
  }

  /** Waits `ms`; `wake()` cuts a wakeable wait short, `stop()` and `resume()` cut any wait short. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = (force = false) => {
        if (wakeable || force || this.stopped) finish();
      };
    });
  }
}
