import type { ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import type { ShopConfig } from '../shop.config';
import { QuoteEventsHub, type QuoteListener } from './quote-events.hub';
import { QuoteMetrics } from './quote-metrics';
import { effectiveStatus, isSettled, toQuoteView } from './quote.mapper';
import { QuotesRepository, type QuoteWithFile } from './quotes.repository';

/** How long a client's EventSource waits before reconnecting after the stream drops. */
const RETRY_MS = 2000;

/**
 * `GET /quotes/:id/events` as Server-Sent Events: the quote as it is now, at once; then the
 * quote again (`event: quote`, `id:` its revision) each time it changes, whichever shop
 * instance applied the change (Redis pub/sub), until it is settled (READY, FAILED, …; a
 * NEEDS_REVIEW quote stays open until a manager's review makes it READY or FAILED), when the
 * stream ends. A comment line every
 * QUOTE_EVENTS_HEARTBEAT_MS keeps proxies from closing an idle stream, and each beat also
 * re-reads the quote in case a notification was lost. A reconnect whose Last-Event-ID is
 * already the final revision gets 204, which tells an EventSource to stop reconnecting.
 */
@Injectable()
export class QuoteEventStreams {
  constructor(
    private readonly quotes: QuotesRepository,
    private readonly hub: QuoteEventsHub,
    private readonly metrics: QuoteMetrics,
    @Inject(APP_CONFIG) private readonly config: Pick<ShopConfig, 'QUOTE_EVENTS_HEARTBEAT_MS'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async open(
    req: FastifyRequest,
    reply: FastifyReply,
    quote: QuoteWithFile,
    ownerId: string | undefined,
  ): Promise<void> {
    const lastEventId = Number(req.headers['last-event-id']);
    if (isSettled(effectiveStatus(quote, new Date())) && lastEventId >= quote.revision) {
      await reply.status(204).send();
      return;
    }
    if (this.hub.closed) {
      await reply.status(503).header('retry-after', '1').send();
      return;
    }
    reply.hijack();
    const res = reply.raw;
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) res.setHeader(name, value);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    // nginx and similar proxies must not buffer the stream.
    res.setHeader('x-accel-buffering', 'no');
    res.writeHead(200);
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.metrics.openStreams.inc();
    const stream = new QuoteStream(
      res,
      quote.id,
      () => this.quotes.findOwned(quote.id, ownerId),
      () => this.metrics.openStreams.dec(),
      (err) =>
        this.logger.warn({ err: err.message, quoteId: quote.id }, 'quote stream: read failed'),
    );
    // The client went away (or the connection broke).
    res.once('close', () => stream.close());
    res.once('error', () => stream.close());
    // Subscribed before the first read: a change committed in between is not missed.
    stream.unsubscribe = await this.hub.add(stream);
    if (stream.closed) return stream.unsubscribe();
    stream.beat(this.config.QUOTE_EVENTS_HEARTBEAT_MS);
    await stream.refresh();
  }
}

/** One open stream: what it sent last, its heartbeat, and its one-at-a-time re-reads. */
class QuoteStream implements QuoteListener {
  closed = false;
  unsubscribe: (() => void) | undefined;
  private sent = 0;
  private reading: Promise<void> | undefined;
  private again = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: ServerResponse,
    readonly quoteId: string,
    private readonly read: () => Promise<QuoteWithFile | undefined>,
    private readonly onClose: () => void,
    private readonly onError: (err: Error) => void,
  ) {}

  changed(): void {
    void this.refresh();
  }

  beat(everyMs: number): void {
    this.heartbeat = setInterval(() => {
      if (this.closed) return;
      this.res.write(': heartbeat\n\n');
      void this.refresh();
    }, everyMs);
    this.heartbeat.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.onClose();
    this.res.end();
  }

  /** Re-reads the quote and sends it if it changed; ends the stream once it is settled. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readUntilCurrent()
      .catch(this.onError)
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readUntilCurrent(): Promise<void> {
    do {
      this.again = false;
      const now = new Date();
      const current = await this.read();
      if (this.closed) return;
      if (!current) return this.close();
      const view = toQuoteView(current, now);
      if (current.revision > this.sent) {
        this.res.write(`id: ${current.revision}\nevent: quote\ndata: ${JSON.stringify(view)}\n\n`);
        this.sent = current.revision;
      }
      if (isSettled(view.status)) return this.close();
    } while (this.again && !this.closed);
  }
}
