import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { EventData, EventDefinition } from '@fabflow/contracts';
import { envelopeHeaders, newEnvelope, publishOptions, type EventEnvelope } from './envelope';
import { declareExchange } from './topology';

/**
 * Publishes catalogue events the way a service's relay does (CloudEvents headers, messageId =
 * event id, persistent, confirmed), for tests that play a service which is not running (the MES
 * for a shop or CRM test, the shop for a CRM test). Test code imports it from
 * `@fabflow/messaging/testing`. Data is validated against the event's schema first, as the outbox writer does.
 */
export class TestEventPublisher {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<TestEventPublisher> {
    const connection = await amqp.connect(url);
    const channel = await connection.createConfirmChannel();
    return new TestEventPublisher(connection, channel);
  }

  /** Publishes one event and waits for the broker's confirm; `id` reuses a message id (a redelivery). */
  async publish<E extends EventDefinition>(
    def: E,
    data: EventData<E>,
    opts: { subject: string; version: number; id?: string },
  ): Promise<EventEnvelope<EventData<E>>> {
    const parsed = def.schema.parse(data) as EventData<E>;
    const envelope = newEnvelope({
      type: def.type,
      source: `fabflow/${def.publisher}`,
      subject: opts.subject,
      version: opts.version,
      data: parsed,
      ...(opts.id ? { id: opts.id } : {}),
    });
    await declareExchange(this.channel, def.exchange);
    this.channel.publish(
      def.exchange,
      def.routingKey,
      Buffer.from(JSON.stringify(parsed)),
      publishOptions(envelopeHeaders(envelope)),
    );
    await this.channel.waitForConfirms();
    return envelope;
  }

  /** The channel, for declaring a test's own queues. */
  get ch(): ConfirmChannel {
    return this.channel;
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
