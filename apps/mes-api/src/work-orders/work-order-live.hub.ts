import type { ServerResponse } from 'node:http';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER, REDIS } from '@fabflow/platform';
import { LIVE_RESYNC_MESSAGE, WorkQueueKeys } from './work-queue.keys';
import { WorkQueueMetrics } from './work-queue.metrics';

/**
 * Live updates for this instance's dashboards: one Redis subscription to the changes channel
 * (WorkOrderChanges publishes there, from any instance), fanned out to every open
 * `GET /work-orders/stream` of this process as server-sent events.
 *
 * Pub/sub delivers nothing while the subscription is down (Redis restarting, a Sentinel
 * failover). When it is back after such a gap, the hub ends the streams that were open across
 * it: each dashboard reconnects and reloads (docs/operations.md), so none stays silently behind.
 * It does the same when an instance announces that changes of its own could not be published
 * (LIVE_RESYNC_MESSAGE, from WorkOrderChanges).
 */
@Injectable()
export class WorkOrderLiveHub implements OnModuleInit, BeforeApplicationShutdown {
  private readonly clients = new Set<ServerResponse>();
  private subscriber: Redis | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing = false;
  /** The subscription was lost since it was last made: streams open now may have missed events. */
  private gap = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: { SSE_HEARTBEAT_MS: number },
    private readonly keys: WorkQueueKeys,
    private readonly metrics: WorkQueueMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // A connection of its own: a subscribed Redis connection can do nothing else.
    const subscriber = this.redis.duplicate({ connectionName: 'fabflow-mes-live' });
    subscriber.on('error', () => undefined); // reported by the main client; this one retries
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.keys.channel) return;
      if (message === LIVE_RESYNC_MESSAGE)
        this.endStreams('changes were not announced during a Redis outage');
      else this.broadcast(message);
    });
    // Subscribed whenever the connection is (re)established: ready comes after each reconnect.
    subscriber.on('ready', () => {
      subscriber
        .subscribe(this.keys.channel)
        .then(() => this.resync())
        .catch((err: unknown) => {
          this.logger.warn({ err: (err as Error).message }, 'live updates: subscribe failed');
        });
    });
    subscriber.on('close', () => (this.gap = true));
    subscriber.connect().catch(() => undefined);
    this.subscriber = subscriber;
    this.heartbeat = setInterval(
      () => this.write(': keep-alive\n\n'),
      this.config.SSE_HEARTBEAT_MS,
    );
    this.heartbeat.unref();
  }

  /** Whether new streams are accepted (not once shutdown has begun). */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Turns a raw response into an event stream of this hub until the client goes away. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // The connection is the stream's alone: when the stream ends (shutdown), so does it,
      // rather than idling on and holding the server's close up.
      connection: 'close',
      // nginx and similar proxies must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    // Reconnect after 1 s when the stream drops (the client may land on another instance).
    res.write('retry: 1000\n\nevent: ready\ndata: {}\n\n');
    this.clients.add(res);
    this.metrics.sseClients.inc();
    res.on('close', () => {
      if (this.clients.delete(res)) this.metrics.sseClients.dec();
    });
  }

  /** After a gap in the subscription: the open streams reconnect (and their pages reload). */
  private resync(): void {
    if (!this.gap) return;
    this.gap = false;
    this.endStreams('subscribed again after a Redis outage');
  }

  /** Ends the open streams: each dashboard reconnects and reloads what it may have missed. */
  private endStreams(why: string): void {
    if (this.clients.size === 0) return;
    this.logger.info(
      { streams: this.clients.size },
      `live updates: ${why}; streams told to reconnect`,
    );
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.metrics.sseClients.set(0);
  }

  private broadcast(message: string): void {
    this.metrics.liveEvents.inc({ direction: 'received' });
    this.write(`event: work-order\ndata: ${message}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }

  /** Ends every stream before the HTTP server closes (it would wait for them forever). */
  beforeApplicationShutdown(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.metrics.sseClients.set(0);
    this.subscriber?.disconnect();
  }
}
