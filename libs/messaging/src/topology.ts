import type { Channel } from 'amqplib';

export interface Binding {
  exchange: string;
  routingKey: string;
}

/** A consuming service's subscription: one quorum queue with its retry and dead-letter queues. */
export interface SubscriptionSpec {
  queue: string;
  bindings: Binding[];
  /** Delay before each retry; after the last one the message goes to the DLQ. */
  retryDelaysMs: number[];
  /** Redeliveries (crash loops) before the broker itself dead-letters a message. */
  deliveryLimit?: number;
}

export const dlqName = (queue: string) => `${queue}.dlq`;
export const retryQueueName = (queue: string, attempt: number) => `${queue}.retry.${attempt}`;

const QUORUM_AT_LEAST_ONCE = {
  'x-queue-type': 'quorum',
  // at-least-once dead-lettering needs reject-publish overflow: nothing is dropped silently.
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
} as const;

/** Declares a publisher's topic exchange (idempotent). */
export async function declareExchange(ch: Channel, exchange: string): Promise<void> {
  await ch.assertExchange(exchange, 'topic', { durable: true });
}

/**
 * Declares, idempotently: the source exchanges, the main quorum queue (dead-lettering to its
 * DLQ, with a delivery limit), one delay queue per retry step (TTL, then back to the main
 * queue through the default exchange) and the DLQ; then the bindings.
 */
export async function declareSubscription(ch: Channel, spec: SubscriptionSpec): Promise<void> {
  const dlq = dlqName(spec.queue);
  await ch.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await ch.assertQueue(spec.queue, {
    durable: true,
    arguments: {
      ...QUORUM_AT_LEAST_ONCE,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
      'x-delivery-limit': spec.deliveryLimit ?? 20,
    },
  });
  for (const [i, delay] of spec.retryDelaysMs.entries()) {
    await ch.assertQueue(retryQueueName(spec.queue, i + 1), {
      durable: true,
      arguments: {
        ...QUORUM_AT_LEAST_ONCE,
        'x-message-ttl': delay,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': spec.queue,
      },
    });
  }
  for (const b of spec.bindings) {
    await declareExchange(ch, b.exchange);
    await ch.bindQueue(spec.queue, b.exchange, b.routingKey);
  }
}
