import type { Kysely } from 'kysely';
import type { EventDefinition } from '@fabflow/contracts';
import type { Logger, Registry } from '@fabflow/observability';
import { AmqpConnection } from './amqp-connection';
import { ConfirmPublisher } from './confirm-publisher';
import { EventConsumer } from './event-consumer';
import { HandlerRegistry, type EventHandler } from './event-handler';
import { MessagingMetrics } from './messaging-metrics';
import { outboxStats } from './outbox';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import type { MessagingTables } from './tables';
import { declareExchange, dlqName } from './topology';
import { UnitOfWork } from './unit-of-work';

export interface MessagingRuntimeOptions<DB extends MessagingTables> {
  /** Publishing service (`shop`): CloudEvents source and exchange `shop.events`. */
  service: string;
  urls: string[];
  db: Kysely<DB>;
  logger: Logger;
  catalogue: readonly EventDefinition[];
  outboxPollMs: number;
  prefetch: number;
  retryDelaysMs: number[];
  /** Where the messaging metrics are registered (the service's /metrics registry). */
  metricsRegistry?: Registry;
  /** Relay tuning beyond the poll interval (batch size; benchmarks observe batches). */
  relay?: Pick<OutboxRelayOptions, 'batchSize' | 'onBatch'>;
}

/** A service's whole messaging side: connection, outbox relay, unit of work and consumers. */
export class MessagingRuntime<DB extends MessagingTables> {
  readonly connection: AmqpConnection;
  readonly publisher: ConfirmPublisher;
  readonly relay: OutboxRelay;
  readonly unitOfWork: UnitOfWork<DB>;
  readonly consumers: EventConsumer<DB>[] = [];
  readonly metrics: MessagingMetrics;

  constructor(private readonly opts: MessagingRuntimeOptions<DB>) {
    this.connection = new AmqpConnection({
      urls: opts.urls,
      connectionName: opts.service,
      logger: opts.logger,
    });
    this.publisher = new ConfirmPublisher(this.connection, opts.logger);
    const db = opts.db as unknown as Kysely<MessagingTables>;
    this.metrics = new MessagingMetrics(
      opts.metricsRegistry,
      () => outboxStats(db),
      () => this.dlqDepths(),
    );
    this.relay = new OutboxRelay(db, this.publisher, opts.logger, {
      ...opts.relay,
      pollIntervalMs: opts.outboxPollMs,
      metrics: this.metrics,
    });
    // Back from an outage: publish the backlog now, not at the end of the relay's backoff.
    this.connection.on('connected', () => this.relay.resume());
    this.unitOfWork = new UnitOfWork(opts.db, this.relay, `fabflow/${opts.service}`);
  }

  /**
   * Adds a consumer of one quorum queue; call before `start()`. Fails at once if two handlers
   * claim one event type or a handler's type is not in the catalogue.
   */
  subscribe(queue: string, handlers: EventHandler<DB>[]): void {
    this.consumers.push(
      new EventConsumer({
        queue,
        connection: this.connection,
        db: this.opts.db,
        unitOfWork: this.unitOfWork,
        registry: new HandlerRegistry(handlers, this.opts.catalogue),
        retryDelaysMs: this.opts.retryDelaysMs,
        prefetch: this.opts.prefetch,
        logger: this.opts.logger.child({ queue }),
        metrics: this.metrics,
      }),
    );
  }

  /** Depth of each subscription's DLQ; a queue not declared yet is left out. */
  async dlqDepths(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    if (!this.connection.connected) return depths;
    const conn = await this.connection.connection();
    for (const { queue } of this.consumers) {
      // A missing queue closes the channel (404), so each check gets its own.
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      try {
        depths[queue] = (await ch.checkQueue(dlqName(queue))).messageCount;
      } catch {
        /* not declared yet */
      } finally {
        await ch.close().catch(() => undefined);
      }
    }
    return depths;
  }

  /**
   * Starts without waiting for the broker: writes go to the outbox until it is reachable. The
   * relay starts on the first connection, once its setup hooks have declared this service's
   * exchange and its consumers' queues: a relay started before could only fail to publish.
   */
  async start(): Promise<void> {
    await this.connection.onConnect(async (conn) => {
      const ch = await conn.createChannel();
      await declareExchange(ch, `${this.opts.service}.events`);
      await ch.close();
    });
    for (const c of this.consumers) await c.start();
    this.connection.once('connected', this.startRelay);
    this.connection.start();
  }

  private readonly startRelay = (): void => this.relay.start();

  /** Stops taking deliveries and waits for in-flight handlers. */
  async stopConsuming(timeoutMs: number): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop(timeoutMs)));
  }

  /** Consumers drain first, then the relay stops, then the connection closes. */
  async stop(timeoutMs: number): Promise<void> {
    this.connection.off('connected', this.startRelay);
    await this.stopConsuming(timeoutMs);
    await this.relay.stop();
    await this.publisher.close();
    await this.connection.close();
  }
}
