import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  QuoteRequested,
  type EventData,
  type LeadTimeTier,
  type ModelUnit,
  type PricingMode,
  type SalesChannel,
} from '@fabflow/contracts';
import {
  envelopeHeaders,
  fromDelivery,
  newEnvelope,
  publishOptions,
  type EventEnvelope,
} from '@fabflow/messaging';
import { EmbeddedS3Server, ObjectStorage } from '@fabflow/storage';
import {
  createTestVhost,
  freePort,
  ServiceProcess,
  testEnv,
  uniqueName,
  waitFor,
  type TestVhost,
} from '@fabflow/testing';

const S3_CREDENTIALS = { accessKeyId: 'pricing-e2e', secretAccessKey: 'pricing-e2e-secret' };
const BUCKET = 'fabflow-models';

export const TYPES = {
  progressed: 'fabflow.mes.quote.progressed.v1',
  priced: 'fabflow.mes.quote.priced.v1',
  failed: 'fabflow.mes.quote.failed.v1',
  priceList: 'fabflow.mes.pricelist.published.v1',
} as const;

export type ModelFileRef = EventData<typeof QuoteRequested>['file'];

/**
 * Listens on `mes.events` the way the shop will (quote and price-list events), on a queue of
 * its own, and keeps every envelope it receives, in arrival order.
 */
export class BrokerSpy {
  readonly received: EventEnvelope[] = [];

  private constructor(
    private readonly conn: ChannelModel,
    private readonly publisher: ConfirmChannel,
  ) {}

  static async start(url: string, label: string): Promise<BrokerSpy> {
    const conn = await amqp.connect(url);
    const ch: Channel = await conn.createChannel();
    await ch.assertExchange('mes.events', 'topic', { durable: true });
    await ch.assertExchange('shop.events', 'topic', { durable: true });
    const { queue } = await ch.assertQueue(`spy.${label}.${randomUUID()}`, { exclusive: true });
    for (const key of ['quote.*', 'pricelist.published'])
      await ch.bindQueue(queue, 'mes.events', key);
    const spy = new BrokerSpy(conn, await conn.createConfirmChannel());
    await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        spy.received.push(fromDelivery(msg));
        ch.ack(msg);
      },
      { noAck: false },
    );
    return spy;
  }

  of(type: string, quoteId?: string): EventEnvelope<Record<string, unknown>>[] {
    return this.received.filter(
      (e) => e.type === type && (quoteId === undefined || e.subject === quoteId),
    ) as EventEnvelope<Record<string, unknown>>[];
  }

  /** Publishes an event into an exchange like a relay would (confirmed). */
  async publish(exchange: string, routingKey: string, envelope: EventEnvelope): Promise<void> {
    const headers = envelopeHeaders(envelope);
    await new Promise<void>((resolve, reject) =>
      this.publisher.publish(
        exchange,
        routingKey,
        Buffer.from(JSON.stringify(envelope.data)),
        { ...publishOptions(headers), messageId: envelope.id },
        (err) => (err ? reject(err as Error) : resolve()),
      ),
    );
  }

  async stop(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }
}

export interface PricingSystemOptions {
  /** mes-api processes sharing the database, broker and queue (default 1). */
  mesInstances?: number;
  /** Start the worker with the system (default true). */
  worker?: boolean;
  mesEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /** For both. */
  env?: Record<string, string>;
}

export interface QuoteInput {
  file: ModelFileRef;
  materialId?: string;
  quantity?: number;
  leadTime?: LeadTimeTier;
  mode?: PricingMode;
  channel?: SalesChannel;
  /** The B2B organisation (default: a new one per quote; B2C quotes have none). */
  accountId?: string;
  /** The B2B tier's cap on jobs in flight, as the shop sends it (default: absent, no cap). */
  maxConcurrentJobs?: number;
  /** W3C trace context to send with QuoteRequested (as a shop relay would). */
  traceparent?: string;
}

/**
 * The MES side of pricing as real processes: mes-api (one or more) and the pricing worker on
 * their own database, RabbitMQ vhost and BullMQ queue, an embedded S3 server in the test, and
 * a broker spy. Tests publish QuoteRequested into `shop.events` as the shop does and watch
 * `mes.events` and the MES database.
 */
export class PricingSystem {
  readonly mes: ServiceProcess[] = [];
  worker: ServiceProcess;
  private readonly pool: pg.Pool;
  private bull: { queue: Queue; redis: Redis } | undefined;

  private constructor(
    readonly label: string,
    readonly vhost: TestVhost,
    readonly database: string,
    readonly queueName: string,
    /** Whether stop() drops the database and the vhost (false when attached to a system). */
    private readonly owned: boolean,
    readonly s3: EmbeddedS3Server,
    private readonly s3Dir: string,
    readonly storage: ObjectStorage,
    readonly spy: BrokerSpy,
    readonly commonEnv: Record<string, string>,
    private readonly workerEnv: Record<string, string>,
    workerPort: number,
  ) {
    this.pool = new pg.Pool({ connectionString: this.databaseUrl, max: 3 });
    this.pool.on('error', () => undefined);
    this.worker = this.newWorker(workerPort);
  }

  static async start(label: string, opts: PricingSystemOptions = {}): Promise<PricingSystem> {
    const sys = await PricingSystem.create(label, {
      vhost: await createTestVhost(label),
      database: uniqueName(`t_${label}_mes`),
      queueName: uniqueName(`pricing-${label}`),
      owned: true,
      opts,
    });
    for (let i = 0; i < (opts.mesInstances ?? 1); i++) {
      sys.mes.push(
        new ServiceProcess(
          'mes-api',
          await freePort(),
          { ...sys.commonEnv, ...(opts.mesEnv ?? {}) },
          `${label}-mes${i === 0 ? '' : `-${i + 1}`}`,
        ),
      );
    }
    // The first instance migrates; the others find the schema there.
    await sys.mes[0]!.start();
    await Promise.all(sys.mes.slice(1).map((m) => m.start()));
    if (opts.worker ?? true) await sys.worker.start();
    return sys;
  }

  /**
   * Pricing (embedded S3, a worker, a broker spy) for a system whose mes-api already runs on
   * `database` and `amqpUrl` with PRICING_QUEUE `queueName`; stop() leaves that system alone.
   */
  static async attach(
    label: string,
    target: { amqpUrl: string; database: string; queueName: string },
    opts: PricingSystemOptions = {},
  ): Promise<PricingSystem> {
    const sys = await PricingSystem.create(label, {
      vhost: { vhost: '', url: target.amqpUrl, drop: () => Promise.resolve() },
      database: target.database,
      queueName: target.queueName,
      owned: false,
      opts,
    });
    if (opts.worker ?? true) await sys.worker.start();
    return sys;
  }

  private static async create(
    label: string,
    t: {
      vhost: TestVhost;
      database: string;
      queueName: string;
      owned: boolean;
      opts: PricingSystemOptions;
    },
  ): Promise<PricingSystem> {
    const s3Dir = mkdtempSync(join(tmpdir(), `fabflow-${label}-s3-`));
    const s3 = await EmbeddedS3Server.start({ dir: s3Dir, credentials: S3_CREDENTIALS });
    const storage = new ObjectStorage({
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: true,
    });
    await storage.ensureBucket();
    const spy = await BrokerSpy.start(t.vhost.url, label);
    const url = new URL(testEnv.TEST_PG_URL);
    url.pathname = `/${t.database}`;
    const common = {
      AMQP_URLS: t.vhost.url,
      REDIS_URL: testEnv.TEST_REDIS_URL,
      DATABASE_URL: url.toString(),
      OUTBOX_POLL_MS: '200',
      RETRY_DELAYS_MS: '200,500,1000',
      PRICING_QUEUE: t.queueName,
      ...(t.opts.env ?? {}),
    };
    const workerEnv = {
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      PRICING_BACKOFF_MS: '200',
      ...(t.opts.workerEnv ?? {}),
    };
    return new PricingSystem(
      label,
      t.vhost,
      t.database,
      t.queueName,
      t.owned,
      s3,
      s3Dir,
      storage,
      spy,
      common,
      workerEnv,
      await freePort(),
    );
  }

  get databaseUrl(): string {
    const url = new URL(testEnv.TEST_PG_URL);
    url.pathname = `/${this.database}`;
    return url.toString();
  }

  /** A worker process (not started) on this system, with extra environment. */
  newWorker(port: number, env: Record<string, string> = {}, logSuffix = ''): ServiceProcess {
    return new ServiceProcess(
      'pricing-worker',
      port,
      { ...this.commonEnv, ...this.workerEnv, WORKER_METRICS_PORT: String(port), ...env },
      `${this.label}-worker${logSuffix}`,
    );
  }

  /** Puts a model into the embedded S3 as the shop's upload would, and describes it. */
  async uploadModel(
    bytes: Uint8Array,
    filename: string,
    unit: ModelUnit = 'mm',
  ): Promise<ModelFileRef> {
    const fileId = randomUUID();
    const key = `models/${randomUUID()}/${fileId}`;
    await this.storage.put(key, bytes);
    const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    return {
      fileId,
      bucket: BUCKET,
      key,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
      format: isZip ? '3MF' : 'STL_BINARY',
      unit,
      filename,
    };
  }

  /** Publishes QuoteRequested into `shop.events` as the shop's relay would; the quote id. */
  async requestQuote(q: QuoteInput): Promise<string> {
    const quoteId = randomUUID();
    const channel = q.channel ?? 'B2C';
    const envelope = newEnvelope<EventData<typeof QuoteRequested>>({
      type: QuoteRequested.type,
      source: 'fabflow/shop',
      subject: quoteId,
      version: 1,
      correlationId: `corr-${quoteId}`,
      traceparent: q.traceparent,
      data: QuoteRequested.schema.parse({
        quoteId,
        customerId: randomUUID(),
        channel,
        accountId: channel === 'B2B' ? (q.accountId ?? randomUUID()) : null,
        ...(q.maxConcurrentJobs === undefined ? {} : { maxConcurrentJobs: q.maxConcurrentJobs }),
        file: q.file,
        materialId: q.materialId ?? 'pla-black',
        quantity: q.quantity ?? 1,
        leadTime: q.leadTime ?? 'STANDARD',
        mode: q.mode ?? 'INDICATIVE',
        requestedAt: new Date().toISOString(),
      }),
    });
    await this.spy.publish(QuoteRequested.exchange, QuoteRequested.routingKey, envelope);
    return quoteId;
  }

  /** The QuotePriced or QuoteFailed of a quote, once it is on the broker. */
  outcome(quoteId: string, timeoutMs = 60_000): Promise<EventEnvelope<Record<string, unknown>>> {
    return waitFor(
      `the outcome of quote ${quoteId}`,
      () => [...this.spy.of(TYPES.priced, quoteId), ...this.spy.of(TYPES.failed, quoteId)][0],
      timeoutMs,
      50,
    );
  }

  async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(text, values)).rows;
  }

  /** The BullMQ queue of this system, to inspect jobs (created on first use). */
  queue(): Queue {
    if (!this.bull) {
      const redis = new Redis(testEnv.TEST_REDIS_URL, { maxRetriesPerRequest: null });
      this.bull = { redis, queue: new Queue(this.queueName, { connection: redis }) };
    }
    return this.bull.queue;
  }

  /** One series from a process's /metrics, summed over the series matching `labels`. */
  static async metric(
    url: string,
    series: string,
    labels: Record<string, string> = {},
  ): Promise<number> {
    return (await PricingSystem.scrape(url))(series, labels);
  }

  /**
   * One scrape of a process's /metrics to read several series from: each scrape resets
   * prom-client's event-loop histogram, so related figures must come from the same one.
   */
  static async scrape(
    url: string,
  ): Promise<(series: string, labels?: Record<string, string>) => number> {
    const lines = (await (await fetch(`${url}/metrics`)).text()).split('\n');
    return (series, labels = {}) => {
      let sum = 0;
      for (const line of lines) {
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
        if (!m || m[1] !== series) continue;
        const have = m[2] ?? '';
        if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`)))
          sum += Number(m[3]);
      }
      return sum;
    };
  }

  async stop(): Promise<void> {
    await Promise.all([this.worker.stop(), ...this.mes.map((m) => m.stop())]);
    await this.spy.stop();
    const queue = this.queue();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    this.bull?.redis.disconnect();
    await this.pool.end();
    this.storage.close();
    await this.s3.stop();
    rmSync(this.s3Dir, { recursive: true, force: true });
    if (!this.owned) return;
    const admin = new pg.Client({ connectionString: testEnv.TEST_PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    await admin.end();
    await this.vhost.drop();
  }
}
