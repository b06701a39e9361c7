import pg from 'pg';
import {
  createTestVhost,
  dropDatabase,
  freePort,
  HttpClient,
  ServiceProcess,
  testDatabaseUrl,
  testEnv,
  uniqueName,
  type TestVhost,
} from '@fabflow/testing';

export const JWT_SECRET = 'e2e-test-secret-that-is-long-enough-0123456789';
export const STAFF_PASSWORD = 'e2e-staff-password';

type Name = 'shop' | 'crm' | 'mes';

/** The three services as real processes on their own databases and their own RabbitMQ vhost. */
export class FabflowSystem {
  readonly shop: ServiceProcess;
  readonly crm: ServiceProcess;
  readonly mes: ServiceProcess;
  private readonly pools = new Map<Name, pg.Pool>();

  private constructor(
    private readonly vhost: TestVhost,
    readonly databases: Record<Name, string>,
    ports: Record<Name, number>,
    label: string,
  ) {
    const common = {
      AMQP_URLS: vhost.url,
      REDIS_URL: testEnv.TEST_REDIS_URL,
      JWT_SECRET,
      OUTBOX_POLL_MS: '200',
      RETRY_DELAYS_MS: '200,500,1000',
    };
    const svc = (name: Name, extra: Record<string, string> = {}) =>
      new ServiceProcess(
        `${name}-api`,
        ports[name],
        { ...common, DATABASE_URL: testDatabaseUrl(databases[name]), ...extra },
        `${label}-${name}`,
      );
    this.crm = svc('crm', { SEED_STAFF: 'true', SEED_STAFF_PASSWORD: STAFF_PASSWORD });
    this.shop = svc('shop');
    this.mes = svc('mes');
  }

  static async start(label: string): Promise<FabflowSystem> {
    const vhost = await createTestVhost(label);
    const databases = {
      shop: uniqueName(`t_${label}_shop`),
      crm: uniqueName(`t_${label}_crm`),
      mes: uniqueName(`t_${label}_mes`),
    };
    const ports = { shop: await freePort(), crm: await freePort(), mes: await freePort() };
    const system = new FabflowSystem(vhost, databases, ports, label);
    await Promise.all([system.crm.start(), system.shop.start(), system.mes.start()]);
    return system;
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
      pool = new pg.Pool({ connectionString: testDatabaseUrl(this.databases[name]), max: 2 });
      this.pools.set(name, pool);
    }
    return (await pool.query<T>(text, values)).rows;
  }

  async stop(): Promise<void> {
    await Promise.all([this.shop.stop(), this.crm.stop(), this.mes.stop()]);
    await Promise.all([...this.pools.values()].map((p) => p.end()));
    await Promise.all(Object.values(this.databases).map((d) => dropDatabase(d)));
    await this.vhost.drop();
  }
}
