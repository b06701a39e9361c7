import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ConsumeOutcome = 'handled' | 'duplicate' | 'retried' | 'dead_lettered';

/**
 * The messaging side's Prometheus series. Backlog and oldest-row age are read from the outbox
 * table when Prometheus scrapes, so they are right whichever instance's relay is publishing.
 */
export class MessagingMetrics {
  readonly published: Counter;
  readonly publishFailures: Counter;
  readonly relayLag: Histogram;
  readonly consumed: Counter<'queue' | 'outcome'>;
  readonly handleDuration: Histogram<'queue'>;
  readonly messageAge: Histogram<'queue'>;

  constructor(
    readonly registry: Registry = new Registry(),
    outboxStats?: () => Promise<{ backlog: number; oldestAgeSeconds: number }>,
    dlqDepths?: () => Promise<Record<string, number>>,
  ) {
    this.published = new Counter({
      name: 'fabflow_outbox_published_total',
      help: 'Outbox rows published to the broker (confirmed) and marked published.',
      registers: [registry],
    });
    this.publishFailures = new Counter({
      name: 'fabflow_outbox_publish_failures_total',
      help: 'Relay batches that failed to publish (broker down, nack, unroutable, timeout).',
      registers: [registry],
    });
    this.relayLag = new Histogram({
      name: 'fabflow_outbox_relay_lag_seconds',
      help: 'Time from the outbox row being written to its publication being confirmed.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    this.consumed = new Counter({
      name: 'fabflow_consumer_messages_total',
      help: 'Deliveries by queue and outcome (handled, duplicate, retried, dead_lettered).',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
    this.handleDuration = new Histogram({
      name: 'fabflow_consumer_handle_seconds',
      help: 'Time to handle one delivery: inbox insert, handler and commit.',
      labelNames: ['queue'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    });
    // Quorum queues do not report their head message's timestamp (RabbitMQ 3.10), so how long
    // messages wait is measured where they arrive: a growing age means the queue's head is aging.
    this.messageAge = new Histogram({
      name: 'fabflow_consumer_message_age_seconds',
      help: 'Age of a delivered message (since its event was created) when its consumer receives it: outbox, broker and retry waits.',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
      registers: [registry],
    });
    if (dlqDepths) {
      new Gauge({
        name: 'fabflow_dlq_depth',
        help: "Messages parked in a subscription's dead-letter queue, by subscription queue.",
        labelNames: ['queue'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const [queue, depth] of Object.entries(await dlqDepths()))
            this.set({ queue }, depth);
        },
      });
    }
    if (outboxStats) {
      let pending: Promise<{ backlog: number; oldestAgeSeconds: number }> | undefined;
      // One query per scrape feeds both gauges.
      const stats = () => (pending ??= outboxStats().finally(() => (pending = undefined)));
      new Gauge({
        name: 'fabflow_outbox_backlog',
        help: 'Outbox rows not yet published.',
        registers: [registry],
        async collect() {
          this.set((await stats()).backlog);
        },
      });
      new Gauge({
        name: 'fabflow_outbox_oldest_unpublished_age_seconds',
        help: 'Age of the oldest unpublished outbox row (0 when the backlog is empty).',
        registers: [registry],
        async collect() {
          this.set((await stats()).oldestAgeSeconds);
        },
      });
    }
  }
}
