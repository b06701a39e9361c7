import type { ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { BrokerUnavailableError } from './dlq-errors';

/** Where the DLQ tooling gets its connection: `AmqpConnection`, or a plain one in the CLI. */
export interface AmqpConnectionSource {
  connection(): Promise<ChannelModel>;
  /** When false the tooling fails at once instead of waiting for a reconnect. */
  readonly connected?: boolean;
}

export interface DeadLetterBrokerOptions {
  /** Most messages one scan takes; they are held unacknowledged until it ends. */
  maxScan: number;
  confirmTimeoutMs: number;
  connectTimeoutMs: number;
}

/** What a scan's visitor may do with the message it holds. */
export interface ScanContext {
  /** Removes the message; one not acked goes back to the queue when the scan ends. */
  ack: (msg: GetMessage) => void;
  /** Publishes to a queue (default exchange) and resolves once the broker confirmed it. */
  publish: (queue: string, content: Buffer, options: Options.Publish) => Promise<void>;
}

const noop = () => undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The AMQP side of the DLQ tooling: queue depth, browsing with `basic.get` while holding the
 * messages, confirmed publishing and purging, each on a short-lived channel.
 */
export class DeadLetterBroker {
  constructor(
    private readonly source: AmqpConnectionSource,
    private readonly opts: DeadLetterBrokerOptions,
  ) {}

  /** Deletes every ready message of a queue; resolves with how many. */
  async purge(queue: string): Promise<number> {
    return (await this.withChannel((ch) => ch.purgeQueue(queue))).messageCount;
  }

  /**
   * Takes up to `depth` (at most `maxScan`) messages one by one, holding them unacked, and
   * calls `visit` with each until it returns false. Closing the channel afterwards returns
   * every message `visit` did not ack. Resolves with the number of messages taken.
   */
  async scan(
    dlq: string,
    depth: number,
    visit: (msg: GetMessage, ctx: ScanContext) => boolean | Promise<boolean>,
  ): Promise<number> {
    const bound = Math.min(depth, this.opts.maxScan);
    if (bound <= 0) return 0;
    let taken = 0;
    let acked = 0;
    let readyAfterLast = 0;
    try {
      await this.withChannel(async (ch) => {
        const ctx: ScanContext = {
          ack: (msg) => {
            ch.ack(msg);
            acked += 1;
          },
          publish: (queue, content, options) => this.publishConfirmed(ch, queue, content, options),
        };
        while (taken < bound) {
          const msg = await ch.get(dlq, { noAck: false });
          if (!msg) {
            readyAfterLast = 0;
            break;
          }
          taken += 1;
          readyAfterLast = msg.fields.messageCount;
          if (!(await visit(msg, ctx))) break;
        }
      });
    } finally {
      if (taken > acked) await this.settle(dlq, readyAfterLast + taken - acked);
    }
    return taken;
  }

  /**
   * A quorum queue takes back a closed channel's unacked messages asynchronously: wait
   * (bounded) until they are ready again, so that the next operation and every depth the
   * caller reads count them.
   */
  private async settle(dlq: string, expected: number, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const depth = await this.depth(dlq).catch(() => undefined);
      if (depth === undefined || depth >= expected) return;
      await sleep(20);
    }
  }

  /** Publishes to a queue through the default exchange and waits for the broker's confirm. */
  private publishConfirmed(
    ch: ConfirmChannel,
    queue: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let returned = false;
      const onReturn = () => (returned = true);
      const done = (err?: Error) => {
        clearTimeout(timer);
        ch.off('return', onReturn);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => done(new Error('publisher confirm timed out')),
        this.opts.confirmTimeoutMs,
      );
      // One publish is in flight at a time, so a return seen before the confirm is this one.
      ch.on('return', onReturn);
      ch.publish('', queue, content, { ...options, mandatory: true }, (err: unknown) => {
        if (err) done(new Error(`the broker refused message ${options.messageId ?? ''}`.trim()));
        else if (returned) done(new Error(`queue ${queue} does not exist (message returned)`));
        else done();
      });
    });
  }

  /** Ready messages in a queue, or undefined when it does not exist. */
  async depth(queue: string): Promise<number | undefined> {
    const conn = await this.connect();
    const ch = await conn.createChannel();
    ch.on('error', noop);
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    } finally {
      await ch.close().catch(noop);
    }
  }

  /**
   * Runs `fn` on a fresh confirm channel and closes it afterwards. Closing the channel (not
   * just the connection) is what flushes the acks and returns the unacked messages.
   */
  private async withChannel<T>(fn: (ch: ConfirmChannel) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    const ch = await conn.createConfirmChannel();
    // A channel error also rejects the pending operation; that is where it is reported.
    ch.on('error', noop);
    try {
      return await fn(ch);
    } finally {
      await ch.close().catch(noop);
    }
  }

  private async connect(): Promise<ChannelModel> {
    if (this.source.connected === false)
      throw new BrokerUnavailableError('not connected to RabbitMQ; try again shortly');
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.source.connection(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new BrokerUnavailableError('timed out connecting to RabbitMQ')),
            this.opts.connectTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
