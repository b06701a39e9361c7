import { EventEmitter } from 'node:events';
import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from '@fabflow/observability';

export interface AmqpConnectionOptions {
  urls: string[];
  /** Name shown in the RabbitMQ management UI. */
  connectionName: string;
  logger: Logger;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

type SetupHook = (conn: ChannelModel) => Promise<void>;

/**
 * One AMQP connection that survives broker restarts and node loss: it tries the cluster's
 * URLs in turn with exponential backoff and jitter, forever, and re-runs every registered
 * setup hook (topology, consumers) on each new connection.
 */
export class AmqpConnection extends EventEmitter {
  private conn: ChannelModel | undefined;
  private readonly hooks: SetupHook[] = [];
  private closing = false;
  private attempt = 0;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<(c: ChannelModel) => void> = [];

  constructor(private readonly opts: AmqpConnectionOptions) {
    super();
  }

  get connected(): boolean {
    return this.conn !== undefined;
  }

  /** Registers a hook run now (if connected) and after every reconnect. */
  async onConnect(hook: SetupHook): Promise<void> {
    this.hooks.push(hook);
    if (this.conn) await hook(this.conn);
  }

  /** Connects, retrying until it succeeds or `close()` is called. */
  start(): void {
    this.closing = false;
    this.connectSoon(0);
  }

  /** Resolves with the live connection, waiting for a reconnect if there is none. */
  async connection(): Promise<ChannelModel> {
    if (this.conn) return this.conn;
    if (this.closing) throw new Error('AMQP connection is closed');
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await conn.close().catch(() => undefined);
  }

  private connectSoon(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tryConnect(), delay);
  }

  private async tryConnect(): Promise<void> {
    if (this.closing) return;
    const url = this.opts.urls[this.next % this.opts.urls.length]!;
    this.next += 1;
    const where = redactUrl(url);
    try {
      const conn = await amqp.connect(withHeartbeat(url), {
        clientProperties: { connection_name: this.opts.connectionName },
      });
      if (this.closing) {
        await conn.close().catch(() => undefined);
        return;
      }
      conn.on('error', (err: Error) =>
        this.opts.logger.warn({ err: err.message, broker: where }, 'AMQP connection error'),
      );
      conn.on('close', () => this.handleClose(conn));
      conn.on('blocked', (reason: string) =>
        this.opts.logger.warn({ reason }, 'AMQP connection blocked by broker'),
      );
      for (const hook of this.hooks) await hook(conn);
      this.conn = conn;
      this.attempt = 0;
      this.opts.logger.info({ broker: where }, 'AMQP connected');
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w(conn);
      this.emit('connected', conn);
    } catch (err) {
      this.attempt += 1;
      const base = Math.min(
        this.opts.maxDelayMs ?? 5000,
        (this.opts.initialDelayMs ?? 200) * 2 ** (this.attempt - 1),
      );
      const delay = Math.round(base * (0.8 + Math.random() * 0.4));
      this.opts.logger.warn(
        { broker: where, attempt: this.attempt, retryInMs: delay, err: (err as Error).message },
        'AMQP connect failed; retrying',
      );
      this.connectSoon(delay);
    }
  }

  private handleClose(conn: ChannelModel): void {
    if (this.conn !== conn && this.conn !== undefined) return;
    this.conn = undefined;
    this.emit('disconnected');
    if (this.closing) return;
    this.opts.logger.warn('AMQP connection lost; reconnecting');
    this.connectSoon(100);
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** A 10 s heartbeat unless the URL sets one: a dead node is noticed in seconds, not minutes. */
function withHeartbeat(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', '10');
  return u.toString();
}
