import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { generateSigningJwk, type PrivateSigningJwk } from '@fabflow/auth';
import { ALL_SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EmbeddedS3Server } from '@fabflow/storage';
import {
  createTestVhost,
  freePort,
  HttpClient,
  ServiceProcess,
  testEnv,
  uniqueName,
} from '@fabflow/testing';

export const STAFF_PASSWORD = 'e2e-staff-password';
/** Credentials of the system's embedded S3 server (the services get them as S3_*). */
export const S3_CREDENTIALS = {
  accessKeyId: 'e2e-s3-access-key',
  secretAccessKey: 'e2e-s3-secret-access-key',
};
export const S3_BUCKET = 'fabflow-models';

type Name = 'shop' | 'crm' | 'mes';

/** The signing keys of the system's two token issuers (fresh for each system). */
export interface SystemSigningKeys {
  shop: PrivateSigningJwk;
  crm: PrivateSigningJwk;
}

/**
 * Each service's token settings: the issuers sign with their own keys, and every verifier
 * fetches the other issuers' JWKS from their port (known before anything starts).
 */
function authEnvironment(
  keys: SystemSigningKeys,
  ports: Record<Name, number>,
  label: string,
): Record<Name, Record<string, string>> {
  const jwks = (name: 'shop' | 'crm') =>
    `fabflow-${name}=http://127.0.0.1:${ports[name]}/.well-known/jwks.json`;
  // Every system's staff have the same seeded ids: revocations stay within the system.
  const AUTH_REDIS_PREFIX = uniqueName(`auth-${label}`);
  return {
    shop: {
      AUTH_SIGNING_KEYS: JSON.stringify([keys.shop]),
      AUTH_JWKS_URLS: jwks('crm'),
      AUTH_REDIS_PREFIX,
    },
    crm: { AUTH_SIGNING_KEYS: JSON.stringify([keys.crm]), AUTH_REDIS_PREFIX },
    mes: { AUTH_JWKS_URLS: jwks('crm'), AUTH_REDIS_PREFIX },
  };
}

export interface SystemOptions {
  /** Broker URLs (comma list, with the vhost) and how to drop the vhost; default: a fresh vhost on the test broker. */
  amqp?: { url: string; drop(): Promise<void> };
  /** Postgres server to create the three databases on; default: the test server. */
  pgUrl?: string;
  /** Extra environment for every service (and the pricing worker). */
  env?: Record<string, string>;
  /** Extra environment for one service (after `env`). */
  serviceEnv?: Partial<Record<Name, Record<string, string>>>;
  /**
   * Also run the pricing worker (apps/pricing-worker) on the MES database, with Redis, S3 and
   * the broker: for journeys that price real uploads. Without it nothing prices a quote: tests
   * that only need a READY quote use the `readyQuote` fixture.
   */
  pricing?: boolean;
}

/** The three services (and the pricing worker) by the URL of their shop, for `placeOrder(shop)`. */
const systems = new Map<string, FabflowSystem>();

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The three services as real processes on their own databases and their own RabbitMQ vhost,
 * with an S3-compatible server (the embedded one, in this test process) for model files, and
 * optionally the pricing worker.
 */
export class FabflowSystem {
  private readonly services: Record<Name, ServiceProcess>;
  /** Only with `pricing: true`. */
  readonly pricingWorker: ServiceProcess | undefined;
  private readonly pools = new Map<Name, pg.Pool>();
  /** This system's own BullMQ pricing queue on the shared Redis (PRICING_QUEUE). */
  readonly pricingQueue: string;
  /** What each service gets for tokens (for a test that starts another instance of one). */
  readonly authEnv: Record<Name, Record<string, string>>;

  private constructor(
    readonly vhost: { url: string; drop(): Promise<void> },
    private readonly pgUrl: string,
    readonly databases: Record<Name, string>,
    ports: Record<Name | 'worker', number>,
    label: string,
    env: Record<string, string>,
    serviceEnv: Partial<Record<Name, Record<string, string>>>,
    readonly s3: EmbeddedS3Server,
    private readonly s3Dir: string,
    pricing: boolean,
    readonly signingKeys: SystemSigningKeys,
  ) {
    this.pricingQueue = env.PRICING_QUEUE ?? uniqueName(`pricing-${label}`);
    this.authEnv = authEnvironment(signingKeys, ports, label);
    const common = {
      // BullMQ keeps its queues in the shared test Redis: each system prices on its own queue.
      PRICING_QUEUE: this.pricingQueue,
      AMQP_URLS: vhost.url,
      REDIS_URL: testEnv.TEST_REDIS_URL,
      OUTBOX_POLL_MS: '200',
      // The suites log the same seeded staff in over and over; the per-account login limit
      // has its own tests.
      RATE_LIMIT_LOGIN_BURST: '1000',
      // Limiter buckets of this system only: every system has the same staff emails and the
      // same client address (127.0.0.1).
      RATE_LIMIT_KEY_PREFIX: uniqueName(`rl-${label}`),
      RETRY_DELAYS_MS: '200,500,1000',
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET,
      S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      ...env,
    };
    const svc = (name: Name, extra: Record<string, string> = {}) =>
      new ServiceProcess(
        `${name}-api`,
        ports[name],
        {
          ...common,
          DATABASE_URL: databaseUrl(pgUrl, databases[name]),
          ...this.authEnv[name],
          ...env,
          ...serviceEnv[name],
          ...extra,
        },
        `${label}-${name}`,
      );
    this.services = {
      crm: svc('crm', { SEED_STAFF: 'true', SEED_STAFF_PASSWORD: STAFF_PASSWORD }),
      shop: svc('shop'),
      mes: svc('mes'),
    };
    // The worker has no HTTP API: it is ready when its /metrics answers.
    this.pricingWorker = pricing
      ? new ServiceProcess(
          'pricing-worker',
          ports.worker,
          {
            ...common,
            DATABASE_URL: databaseUrl(pgUrl, databases.mes),
            WORKER_METRICS_PORT: String(ports.worker),
          },
          `${label}-pricing-worker`,
          '/metrics',
        )
      : undefined;
  }

  static async start(label: string, opts: SystemOptions = {}): Promise<FabflowSystem> {
    const vhost = opts.amqp ?? (await createTestVhost(label));
    const pgUrl = opts.pgUrl ?? testEnv.TEST_PG_URL;
    const databases = {
      shop: uniqueName(`t_${label}_shop`),
      crm: uniqueName(`t_${label}_crm`),
      mes: uniqueName(`t_${label}_mes`),
    };
    const ports = {
      shop: await freePort(),
      crm: await freePort(),
      mes: await freePort(),
      worker: await freePort(),
    };
    const s3Dir = mkdtempSync(join(tmpdir(), `fabflow-e2e-s3-${label}-`));
    const s3 = await EmbeddedS3Server.start({ dir: s3Dir, credentials: S3_CREDENTIALS });
    const system = new FabflowSystem(
      vhost,
      pgUrl,
      databases,
      ports,
      label,
      opts.env ?? {},
      opts.serviceEnv ?? {},
      s3,
      s3Dir,
      opts.pricing ?? false,
      { shop: await generateSigningJwk(), crm: await generateSigningJwk() },
    );
    systems.set(system.shop.url, system);
    try {
      await Promise.all([system.crm.start(), system.shop.start(), system.mes.start()]);
      // After the MES: it migrates the database the worker reads.
      await system.pricingWorker?.start();
    } catch (err) {
      // A service that did not get ready: stop the others (and the S3 server), or they would
      // keep the test process alive after its `after` hooks found no system to stop.
      await system.stop().catch(() => undefined);
      throw err;
    }
    return system;
  }

  get shop(): ServiceProcess {
    return this.services.shop;
  }

  get crm(): ServiceProcess {
    return this.services.crm;
  }

  get mes(): ServiceProcess {
    return this.services.mes;
  }

  /**
   * Stops a service and starts it again on its port, database and vhost, with `env` on top of
   * what it had (a key rotation, another setting); `env` stays for later restarts.
   */
  async restart(name: Name, env: Record<string, string> = {}): Promise<void> {
    await this.services[name].stop();
    this.services[name] = this.services[name].withEnv(env);
    await this.services[name].start();
  }

  /** The system a shop client talks to (for helpers that get only the client). */
  static of(shop: HttpClient): FabflowSystem {
    const system = systems.get(shop.baseUrl);
    if (!system) throw new Error(`no FabflowSystem serves ${shop.baseUrl}`);
    return system;
  }

  /** The RabbitMQ vhost the services use (decoded from the first broker URL). */
  get vhostName(): string {
    return decodeURIComponent(new URL(this.vhost.url.split(',')[0]!).pathname.slice(1));
  }

  client(name: Name, token?: string): HttpClient {
    const c = new HttpClient(this[name].url);
    return token ? c.withToken(token) : c;
  }

  /** Runs SQL against a service's own database (to count effects, never to drive the system). */
  async query<T extends pg.QueryResultRow>(
    name: Name,
    text: string,
    values: unknown[] = [],
  ): Promise<T[]> {
    let pool = this.pools.get(name);
    if (!pool) {
      pool = new pg.Pool({
        connectionString: databaseUrl(this.pgUrl, this.databases[name]),
        max: 2,
      });
      // A restarting server drops idle clients; the pool replaces them.
      pool.on('error', () => undefined);
      this.pools.set(name, pool);
    }
    return (await pool.query<T>(text, values)).rows;
  }

  async stop(): Promise<void> {
    await this.pricingWorker?.stop();
    await Promise.all([this.shop.stop(), this.crm.stop(), this.mes.stop()]);
    systems.delete(this.shop.url);
    await this.s3.stop();
    rmSync(this.s3Dir, { recursive: true, force: true });
    await Promise.all([...this.pools.values()].map((p) => p.end()));
    const admin = new pg.Client({ connectionString: this.pgUrl });
    await admin.connect();
    for (const d of Object.values(this.databases))
      await admin.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
    await admin.end();
    await this.vhost.drop();
    await dropBullQueue(this.pricingQueue);
  }

  /**
   * Messages parked in each subscription's DLQ (any broker URL of the list that answers); a
   * subscription no running service has declared is left out.
   */
  async dlqDepths(): Promise<Record<string, number>> {
    for (const url of this.vhost.url.split(',')) {
      try {
        const conn = await amqp.connect(url);
        try {
          const depths: Record<string, number> = {};
          for (const q of ALL_SUBSCRIPTION_QUEUES) {
            // A missing queue closes the channel (404), so each check gets its own.
            const ch = await conn.createChannel();
            ch.on('error', () => undefined);
            try {
              depths[q] = (await ch.checkQueue(`${q}.dlq`)).messageCount;
            } catch (err) {
              if (!/NOT_FOUND/.test((err as Error).message)) throw err;
            } finally {
              await ch.close().catch(() => undefined);
            }
          }
          return depths;
        } finally {
          await conn.close();
        }
      } catch {
        /* try the next node */
      }
    }
    throw new Error('no broker URL answered');
  }

  /** One counter or gauge from a service's /metrics, summed over the series that match `labels`. */
  async metric(name: Name, series: string, labels: Record<string, string> = {}): Promise<number> {
    const res = await fetch(`${this[name].url}/metrics`);
    const text = await res.text();
    let sum = 0;
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (!m || m[1] !== series) continue;
      const have = m[2] ?? '';
      if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`)))
        sum += Number(m[3]);
    }
    return sum;
  }
}

/** Deletes a BullMQ queue's keys (`bull:<queue>:*`) from the test Redis. */
async function dropBullQueue(queue: string): Promise<void> {
  const redis = new Redis(testEnv.TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bull:${queue}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
