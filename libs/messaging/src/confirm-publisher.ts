import type { ConfirmChannel, Options } from 'amqplib';
import type { Logger } from '@fabflow/observability';
import type { AmqpConnection } from './amqp-connection';

export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish & { messageId: string };
}

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

/**
 * Publishes with publisher confirms. `publishAll` resolves only when the broker has confirmed
 * every message of the batch; a nack, a return (no queue bound: `mandatory`), a closed channel
 * or a timeout rejects, so the caller keeps the messages and tries again. It fails at once when
 * there is no connection, rather than holding the caller (and its database locks) waiting.
 */
export class ConfirmPublisher {
  private channel: Promise<ConfirmChannel> | undefined;

  constructor(
    private readonly conn: AmqpConnection,
    private readonly logger: Logger,
    private readonly confirmTimeoutMs = 10_000,
  ) {}

  async publishAll(messages: OutgoingMessage[]): Promise<void> {
    const unroutable = await this.publishReportingUnroutable(messages);
    if (unroutable.size > 0) {
      throw new PublishError(
        `unroutable (no queue bound yet) for ${unroutable.size} message(s); will retry`,
      );
    }
  }

  /**
   * Like `publishAll`, but a message the broker returned as unroutable (`mandatory`: no queue
   * bound for it yet) does not fail the batch: the ids of those messages are returned, and
   * every other message of the batch has been confirmed. Nacks, a lost channel and timeouts
   * still reject.
   */
  async publishReportingUnroutable(messages: OutgoingMessage[]): Promise<Set<string>> {
    const returned = new Set<string>();
    if (messages.length === 0) return returned;
    if (!this.conn.connected) throw new PublishError('broker unavailable (not connected)');
    const ch = await this.getChannel();
    const ids = new Set(messages.map((m) => m.options.messageId));
    const onReturn = (msg: { properties: { messageId?: string } }) => {
      const id = msg.properties.messageId;
      if (id && ids.has(id)) returned.add(id);
    };
    ch.on('return', onReturn);
    try {
      const confirms = messages.map(
        (m) =>
          new Promise<void>((resolve, reject) => {
            ch.publish(
              m.exchange,
              m.routingKey,
              m.content,
              { ...m.options, mandatory: true },
              (err) =>
                err
                  ? reject(new PublishError(`broker nacked message ${m.options.messageId}`))
                  : resolve(),
            );
          }),
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PublishError('publisher confirm timed out')),
          this.confirmTimeoutMs,
        );
      });
      try {
        await Promise.race([Promise.all(confirms), timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      // Start the retry on a fresh channel. After a quorum queue's leader is lost, a channel
      // can keep nacking every publish to it even once a new leader is elected (seen on
      // RabbitMQ 3.10 in the node-loss fault test); a new channel routes to the new leader.
      this.discardChannel(ch);
      throw err instanceof PublishError ? err : new PublishError((err as Error).message);
    } finally {
      ch.off('return', onReturn);
    }
    return returned;
  }

  async close(): Promise<void> {
    const ch = this.channel;
    this.channel = undefined;
    if (ch) await (await ch.catch(() => undefined))?.close().catch(() => undefined);
  }

  private discardChannel(ch: ConfirmChannel): void {
    void this.channel?.then((current) => {
      if (current !== ch) return;
      this.channel = undefined;
      void ch.close().catch(() => undefined);
    });
  }

  private getChannel(): Promise<ConfirmChannel> {
    if (!this.channel) {
      const created = this.conn.connection().then(async (c) => {
        const ch = await c.createConfirmChannel();
        ch.on('error', (err: Error) =>
          this.logger.warn({ err: err.message }, 'publisher channel error'),
        );
        ch.on('close', () => {
          if (this.channel === created) this.channel = undefined;
        });
        return ch;
      });
      created.catch(() => {
        if (this.channel === created) this.channel = undefined;
      });
      this.channel = created;
    }
    return this.channel;
  }
}
