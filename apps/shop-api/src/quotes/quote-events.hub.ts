import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import { LOGGER, REDIS } from '@fabflow/platform';
import { quoteChannel } from './quote-notifier';

const SUBSCRIBE_TIMEOUT_MS = 2000;

/** An open progress stream, as the hub sees it: something to tell and something to close. */
export interface QuoteListener {
  quoteId: string;
  changed(): void;
  close(): void;
}

/**
 * This instance's side of the quote notifications: one Redis subscriber connection, subscribed
 * to `fabflow:quote:<id>` for as long as at least one local stream follows that quote, and the
 * registry of open streams, which it closes first thing on shutdown (the clients reconnect to
 * another instance and get the current state at once).
 */
@Injectable()
export class QuoteEventsHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<QuoteListener>>();
  private closing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get closed(): boolean {
    return this.closing;
  }

  private connection(): Redis {
    if (!this.subscriber) {
      const sub = this.redis.duplicate({ connectionName: 'fabflow-shop-quote-events' });
      sub.on('error', (err: Error) =>
        this.logger.warn({ err: err.message }, 'quote events subscriber: Redis error'),
      );
      sub.on('message', (channel: string, message: string) => this.dispatch(channel, message));
      this.subscriber = sub;
    }
    return this.subscriber;
  }

  private dispatch(channel: string, message: string): void {
    let quoteId: unknown;
    try {
      quoteId = (JSON.parse(message) as { quoteId?: unknown }).quoteId;
    } catch {
      return;
    }
    if (typeof quoteId !== 'string' || channel !== quoteChannel(quoteId)) return;
    for (const l of this.listeners.get(quoteId) ?? []) l.changed();
  }

  /**
   * Follows a quote until the returned function is called. Resolves once subscribed, or after
   * a short wait when Redis does not answer: the stream then relies on its periodic re-read.
   */
  async add(listener: QuoteListener): Promise<() => void> {
    const { quoteId } = listener;
    let set = this.listeners.get(quoteId);
    if (!set) {
      set = new Set();
      this.listeners.set(quoteId, set);
    }
    set.add(listener);
    if (set.size === 1) {
      const sub = this.connection();
      const subscribed = sub.subscribe(quoteChannel(quoteId)).catch((err: Error) => {
        this.logger.warn({ err: err.message, quoteId }, 'could not subscribe to quote changes');
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        subscribed,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
    }
    return () => this.remove(listener);
  }

  private remove(listener: QuoteListener): void {
    const set = this.listeners.get(listener.quoteId);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(listener.quoteId);
    this.subscriber?.unsubscribe(quoteChannel(listener.quoteId)).catch(() => undefined);
  }

  /** Ends every open stream before the HTTP server closes (it would wait for them). */
  beforeApplicationShutdown(): void {
    this.closing = true;
    const open = [...this.listeners.values()].flatMap((s) => [...s]);
    for (const l of open) l.close();
    if (open.length > 0) this.logger.info({ streams: open.length }, 'quote streams closed');
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
