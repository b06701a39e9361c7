import pg from 'pg';
import { HttpClient } from './http-client';
import {
  createTestVhost,
  dropDatabase,
  testDatabaseUrl,
  uniqueName,
  type TestVhost,
} from './isolation';
import { freePort, ServiceProcess } from './service-process';
import { testEnv } from './test-env';

/**
 * One built service (`shop-api`, …) as a real process on a fresh database and RabbitMQ vhost of
 * its own, for that service's integration tests: start it, talk to it, count its effects in its
 * database, and drop everything afterwards.
 */
export class IsolatedService {
  private pool: pg.Pool | undefined;

  private constructor(
    readonly process: ServiceProcess,
    readonly vhost: TestVhost,
    readonly database: string,
  ) {}

  /** `env` adds to (and may override) the database, broker, Redis and outbox settings. */
  static async start(
    service: string,
    label: string,
    env: Record<string, string> = {},
  ): Promise<IsolatedService> {
    const vhost = await createTestVhost(label);
    const database = uniqueName(`t_${label}`);
    const proc = new ServiceProcess(
      service,
      await freePort(),
      {
        AMQP_URLS: vhost.url,
        DATABASE_URL: testDatabaseUrl(database),
        REDIS_URL: testEnv.TEST_REDIS_URL,
        OUTBOX_POLL_MS: '200',
        RETRY_DELAYS_MS: '100,200',
        // Token revocations and limiter buckets stay within this test's service.
        AUTH_REDIS_PREFIX: uniqueName(`auth-${label}`),
        RATE_LIMIT_KEY_PREFIX: uniqueName(`rl-${label}`),
        ...env,
      },
      label,
    );
    const svc = new IsolatedService(proc, vhost, database);
    try {
      await proc.start();
    } catch (err) {
      await svc.stop();
      throw err;
    }
    return svc;
  }

  get url(): string {
    return this.process.url;
  }

  client(token?: string): HttpClient {
    const c = new HttpClient(this.process.url);
    return token ? c.withToken(token) : c;
  }

  /** SQL against the service's own database (to check effects, never to drive the service). */
  async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    this.pool ??= new pg.Pool({ connectionString: testDatabaseUrl(this.database), max: 2 });
    return (await this.pool.query<T>(text, values)).rows;
  }

  async stop(): Promise<void> {
    await this.process.stop();
    await this.pool?.end();
    await dropDatabase(this.database);
    await this.vhost.drop();
  }
}
