import { context, trace, type Span } from '@opentelemetry/api';
import type { Channel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { sql, type Kysely } from 'kysely';
import { isTransientDbError } from '@fabflow/db';
import { type Logger, runWithContext } from '@fabflow/observability';
import type { ChannelModel } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import { EnvelopeError, fromDelivery, type EventEnvelope } from './envelope';
import { PermanentError, type HandlerContext, type HandlerRegistry } from './event-handler';
import type { ConsumeOutcome, MessagingMetrics } from './messaging-metrics';
import {
  failSpan,
  MessagingAttr,
  orderIdOf,
  quoteIdOf,
  startProcessSpan,
} from './messaging-tracing';
import type { MessagingTables } from './tables';
import { declareSubscription, dlqName, retryQueueName } from './topology';
import type { UnitOfWork } from './unit-of-work';

export interface EventConsumerOptions<DB extends MessagingTables> {
  /** Inbox name of this consumer (`crm.orders`); also the queue name. */
  queue: string;
  connection: AmqpConnection;
  db: Kysely<DB>;
  unitOfWork: UnitOfWork<DB>;
  registry: HandlerRegistry<DB>;
  retryDelaysMs: number[];
  prefetch: number;
  logger: Logger;
  metrics?: MessagingMetrics;
  /**
   * How long a delivery waits out a database outage (connection refused, restart) before it
   * counts as a failed attempt. Such errors say nothing about the message, so they should not
   * push it through the retry delays into the DLQ.
   */
  outageWaitMs?: number;
}

/** The delivery is deliberately left unacked: the broker redelivers it (shutdown mid-outage). */
class LeaveUnacked extends Error {}

export const RETRY_COUNT_HEADER = 'x-retry-count';

const COUNT_KEY = {
  handled: 'handled',
  duplicate: 'duplicates',
  retried: 'retried',
  dead_lettered: 'deadLettered',
} as const satisfies Record<ConsumeOutcome, string>;

/**
 * Consumes one quorum queue with manual acks and bounded prefetch. Each delivery is handled in
 * one transaction with its inbox row (a duplicate is acked without effect) and acked after
 * commit. A failing handler's message goes to the next delay queue, then to the DLQ with the
 * error and attempt count; an invalid message goes to the DLQ at once. Nothing is acked before
 * it is either applied or safely re-published (with confirms) elsewhere.
 */
export class EventConsumer<DB extends MessagingTables> {
  private channel: ConfirmChannel | undefined;
  private consumerTag: string | undefined;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private stopping = false;
  /** Handled (effects committed) and duplicate deliveries, for metrics and tests. */
  readonly counts = { handled: 0, duplicates: 0, retried: 0, deadLettered: 0 };

  constructor(private readonly opts: EventConsumerOptions<DB>) {}

  /** The subscription's queue. */
  get queue(): string {
    return this.opts.queue;
  }

  async start(): Promise<void> {
    await this.opts.connection.onConnect((conn) => this.open(conn));
  }

  /**
   * Opens the channel, declares the topology and consumes. Runs on every (re)connect, and again
   * on the same connection when only the channel was lost: a channel error, or the broker
   * cancelling the consumer (queue deleted, leader moved away from a node that went down).
   */
  private async open(conn: ChannelModel): Promise<void> {
    if (this.stopping || this.channel) return;
    const ch = await conn.createConfirmChannel();
    ch.on('error', (err: Error) =>
      this.opts.logger.warn({ err: err.message, queue: this.opts.queue }, 'consumer channel error'),
    );
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = undefined;
      this.reopenLater(conn);
    });
    this.channel = ch;
    try {
      await declareSubscription(ch, {
        queue: this.opts.queue,
        bindings: this.opts.registry.bindings(),
        retryDelaysMs: this.opts.retryDelaysMs,
      });
      await ch.prefetch(this.opts.prefetch);
      const { consumerTag } = await ch.consume(this.opts.queue, (msg) => {
        if (msg) void this.onMessage(ch, msg);
        else {
          this.opts.logger.warn({ queue: this.opts.queue }, 'consumer cancelled by the broker');
          void ch.close().catch(() => undefined);
        }
      });
      this.consumerTag = consumerTag;
    } catch (err) {
      if (this.channel === ch) this.channel = undefined;
      await ch.close().catch(() => undefined);
      throw err;
    }
  }

  /** Re-opens on the same connection after a short pause, unless it closed too (then the reconnect does it). */
  private reopenLater(conn: ChannelModel, delayMs = 1000): void {
    if (this.stopping) return;
    setTimeout(() => {
      if (this.stopping || this.channel || !this.opts.connection.connected) return;
      this.opts.connection
        .connection()
        .then((current) => (current === conn ? this.open(conn) : undefined))
        .catch((err: Error) => {
          this.opts.logger.warn(
            { err: err.message, queue: this.opts.queue },
            'could not re-open the consumer channel; trying again',
          );
          this.reopenLater(conn, Math.min(delayMs * 2, 15_000));
        });
    }, delayMs).unref();
  }

  /** Stops taking deliveries, waits for in-flight handlers (bounded), then closes the channel. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    const ch = this.channel;
    this.channel = undefined;
    if (ch && this.consumerTag) await ch.cancel(this.consumerTag).catch(() => undefined);
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise((resolve) => setTimeout(resolve, timeoutMs)),
      ]);
    }
    if (ch) await ch.close().catch(() => undefined);
  }

  private async onMessage(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    this.inFlight += 1;
    const started = performance.now();
    try {
      const outcome = await this.process(ch, msg);
      this.counts[COUNT_KEY[outcome]] += 1;
      this.opts.metrics?.consumed.inc({ queue: this.opts.queue, outcome });
      this.opts.metrics?.handleDuration.observe(
        { queue: this.opts.queue },
        (performance.now() - started) / 1000,
      );
    } catch (err) {
      // Only reached when even re-publishing failed (channel gone): the broker redelivers.
      this.opts.logger.warn(
        { err: (err as Error).message },
        'delivery left unacked; it will be redelivered',
      );
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  /**
   * Handles one delivery inside its `<queue> process` span, a child of the publish span whose
   * trace context the message carries; the handler's queries and emitted events nest under it.
   */
  private async process(ch: ConfirmChannel, msg: ConsumeMessage): Promise<ConsumeOutcome> {
    const headers = msg.properties.headers;
    const originalKey: unknown = headers?.['x-original-routing-key'];
    const { span, context: spanContext } = startProcessSpan({
      queue: this.opts.queue,
      messageId:
        typeof msg.properties.messageId === 'string' ? msg.properties.messageId : undefined,
      routingKey: typeof originalKey === 'string' ? originalKey : msg.fields.routingKey,
      deliveryTag: msg.fields.deliveryTag,
      attempt: Number(headers?.[RETRY_COUNT_HEADER] ?? 0) + 1,
      headers,
    });
    try {
      const outcome = await context.with(spanContext, () => this.deliver(ch, msg, span));
      span.setAttribute(MessagingAttr.OUTCOME, outcome);
      return outcome;
    } catch (err) {
      failSpan(span, err as Error, 'left-unacked');
      throw err;
    } finally {
      span.end();
    }
  }

  private async deliver(
    ch: ConfirmChannel,
    msg: ConsumeMessage,
    span: Span,
  ): Promise<ConsumeOutcome> {
    let envelope: EventEnvelope;
    try {
      envelope = fromDelivery(msg);
    } catch (err) {
      if (err instanceof EnvelopeError)
        return this.deadLetter(ch, msg, 'invalid-envelope', err.message);
      throw err;
    }
    const age = (Date.now() - Date.parse(envelope.time)) / 1000;
    if (Number.isFinite(age))
      this.opts.metrics?.messageAge.observe({ queue: this.opts.queue }, Math.max(0, age));
    const handler = this.opts.registry.get(envelope.type);
    if (!handler) return this.deadLetter(ch, msg, 'no-handler', `no handler for ${envelope.type}`);
    const parsed = handler.event.schema.safeParse(envelope.data);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return this.deadLetter(ch, msg, 'schema-invalid', detail);
    }
    const event = { ...envelope, data: parsed.data };
    const orderId = orderIdOf(event.data);
    const quoteId = quoteIdOf(event.data);
    const logFields: Record<string, string> = {
      event_type: event.type,
      event_id: event.id,
      subject: event.subject,
      ...(orderId ? { order_id: orderId } : {}),
    };
    span.setAttributes({
      [MessagingAttr.EVENT_TYPE]: event.type,
      [MessagingAttr.EVENT_SUBJECT]: event.subject,
      ...(event.correlationId ? { [MessagingAttr.CONVERSATION_ID]: event.correlationId } : {}),
      ...(orderId ? { [MessagingAttr.ORDER_ID]: orderId } : {}),
      ...(quoteId ? { [MessagingAttr.QUOTE_ID]: quoteId } : {}),
    });
    // Every log line of this handling, retry or dead-lettering carries the event and the order.
    return runWithContext(
      { correlationId: event.correlationId ?? event.id, fields: logFields },
      async (): Promise<ConsumeOutcome> => {
        const started = performance.now();
        try {
          const applied = await this.applyWaitingOutOutages(event, (ctx) =>
            handler.handle(ctx, event),
          );
          ch.ack(msg);
          const outcome = applied ? 'handled' : 'duplicate';
          this.opts.logger.info(
            { outcome, ms: Math.round(performance.now() - started) },
            'event handled',
          );
          return outcome;
        } catch (err) {
          const error = err as Error;
          if (error instanceof LeaveUnacked) throw error;
          if (error instanceof PermanentError)
            return this.deadLetter(ch, msg, 'permanent-error', error);
          return this.retryOrDeadLetter(ch, msg, error);
        }
      },
    );
  }

  /** `apply`, retried in place with backoff while the database is unreachable. */
  private async applyWaitingOutOutages(
    event: EventEnvelope,
    handle: (ctx: HandlerContext<DB>) => Promise<void>,
  ): Promise<boolean> {
    const deadline = Date.now() + (this.opts.outageWaitMs ?? 60_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.apply(event, handle);
      } catch (err) {
        if (!isTransientDbError(err) || Date.now() > deadline) throw err;
        if (this.stopping) throw new LeaveUnacked((err as Error).message);
        const delay = Math.min(100 * 2 ** attempt, 3000);
        if (attempt === 1 || attempt % 10 === 0)
          this.opts.logger.warn(
            { err: (err as Error).message, attempt, retryInMs: delay },
            'database unavailable; holding the delivery and retrying',
          );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Inbox + handler in one transaction; false when the message was already handled. */
  private apply(
    event: EventEnvelope,
    handle: (ctx: HandlerContext<DB>) => Promise<void>,
  ): Promise<boolean> {
    return this.opts.unitOfWork.run(async (tx, events, afterCommit) => {
      const inserted = await sql<{ message_id: string }>`
        INSERT INTO inbox (consumer, message_id, type) VALUES (${this.opts.queue}, ${event.id}, ${event.type})
        ON CONFLICT DO NOTHING RETURNING message_id`.execute(tx);
      if (inserted.rows.length === 0) {
        this.opts.logger.info('duplicate delivery ignored (already in inbox)');
        return false;
      }
      await handle({ tx, events, logger: this.opts.logger, afterCommit });
      return true;
    }, event);
  }

  private async retryOrDeadLetter(
    ch: ConfirmChannel,
    msg: ConsumeMessage,
    error: Error,
  ): Promise<ConsumeOutcome> {
    const headers = msg.properties.headers ?? {};
    const attempts = Number(headers[RETRY_COUNT_HEADER] ?? 0);
    const delays = this.opts.retryDelaysMs;
    if (attempts >= delays.length) {
      return this.deadLetter(ch, msg, 'handler-failed', error, attempts + 1);
    }
    const span = trace.getActiveSpan();
    if (span) failSpan(span, error, 'handler-failed');
    this.opts.logger.warn(
      { err: error.message, attempt: attempts + 1, retryInMs: delays[attempts] },
      'handler failed; scheduling a retry',
    );
    await this.republish(ch, msg, retryQueueName(this.opts.queue, attempts + 1), {
      [RETRY_COUNT_HEADER]: attempts + 1,
      'x-last-error': error.message.slice(0, 1000),
    });
    ch.ack(msg);
    return 'retried';
  }

  private async deadLetter(
    ch: ConfirmChannel,
    msg: ConsumeMessage,
    reason: string,
    cause: string | Error,
    attempts = Number(msg.properties.headers?.[RETRY_COUNT_HEADER] ?? 0) + 1,
  ): Promise<ConsumeOutcome> {
    const error = typeof cause === 'string' ? cause : cause.message;
    // The active span is this delivery's process span (see `process`).
    const span = trace.getActiveSpan();
    if (span) failSpan(span, cause, reason);
    this.opts.logger.error({ reason, err: error, attempts }, 'message dead-lettered');
    await this.republish(ch, msg, dlqName(this.opts.queue), {
      'x-dlq-reason': reason,
      'x-error': error.slice(0, 2000),
      'x-attempts': attempts,
      'x-dead-lettered-at': new Date().toISOString(),
    });
    ch.ack(msg);
    return 'dead_lettered';
  }

  /** Re-publishes a delivery (same id and properties) to a queue and waits for the confirm. */
  private republish(
    ch: Channel,
    msg: ConsumeMessage,
    queue: string,
    extra: Record<string, unknown>,
  ): Promise<void> {
    const headers: Record<string, unknown> = { ...(msg.properties.headers ?? {}), ...extra };
    // Keep where the message first came from, across retries.
    headers['x-original-exchange'] ??= msg.fields.exchange;
    headers['x-original-routing-key'] ??= msg.fields.routingKey;
    const options: Options.Publish = { ...msg.properties, headers, persistent: true };
    return new Promise((resolve, reject) => {
      (ch as ConfirmChannel).publish('', queue, msg.content, options, (err) =>
        err ? reject(err as Error) : resolve(),
      );
    });
  }
}
