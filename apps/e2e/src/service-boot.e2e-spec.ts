import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSigningJwk } from '@fabflow/auth';
import { DEVELOPMENT_SIGNING_KEYS } from '@fabflow/config';
import { EmbeddedS3Server } from '@fabflow/storage';
import {
  createTestVhost,
  dropDatabase,
  freePort,
  PrivateRedis,
  REPO_ROOT,
  serviceMain,
  ServiceProcess,
  testDatabaseUrl,
  uniqueName,
  type TestVhost,
} from '@fabflow/testing';
import { FabflowSystem } from './support/fabflow-system';

/** Runs a built program with only `env` (and PATH): nothing of the test's environment leaks in. */
function run(app: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [serviceMain(app)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('service boot', () => {
  it('refuses to start with bad configuration and names every bad variable', () => {
    const res = run('shop-api', {
      PORT: 'eighty',
      AMQP_URLS: 'http://broker.invalid',
      AUTH_SIGNING_KEYS: '[{"kid":"k1","kty":"OKP"}]',
    });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /Invalid configuration \(3 variables\)/);
    for (const name of ['PORT', 'AMQP_URLS', 'AUTH_SIGNING_KEYS'])
      assert.match(res.stderr, new RegExp(`- ${name}: `));
    assert.doesNotMatch(res.stderr, /broker\.invalid/, 'a sensitive value is not echoed');
  });

  /** What each program refuses with NODE_ENV=production and nothing else set. */
  const DEVELOPMENT_DEFAULTS: Record<string, string[]> = {
    'shop-api': [
      'AMQP_URLS',
      'REDIS_URL',
      'DATABASE_URL',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'AUTH_SIGNING_KEYS',
      'WEBHOOK_ENCRYPTION_KEY',
    ],
    'crm-api': [
      'AMQP_URLS',
      'REDIS_URL',
      'DATABASE_URL',
      'AUTH_SIGNING_KEYS',
      'SEED_STAFF',
      'SEED_STAFF_PASSWORD',
    ],
    'mes-api': ['AMQP_URLS', 'REDIS_URL', 'DATABASE_URL'],
    'pricing-worker': [
      'AMQP_URLS',
      'REDIS_URL',
      'DATABASE_URL',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
    ],
  };

  for (const [app, variables] of Object.entries(DEVELOPMENT_DEFAULTS))
    it(`${app} with NODE_ENV=production refuses every development default, naming each in one error`, () => {
      // Free ports, so that a regression (a service that starts) collides with nothing.
      const res = run(app, { NODE_ENV: 'production', PORT: '0', WORKER_METRICS_PORT: '0' });
      assert.equal(res.status, 1, res.stderr);
      const named = [...res.stderr.matchAll(/^ {2}- ([A-Z0-9_]+): (.*)$/gm)];
      assert.deepEqual(named.map((m) => m[1]).sort(), [...variables].sort(), res.stderr);
      for (const m of named) assert.match(m[2]!, /development value/);
      assert.match(res.stderr, new RegExp(`\\(${variables.length} variables\\)`));
      assert.doesNotMatch(res.stderr, /guest|fabflow-dev|development-only/, 'no value echoed');
    });

  it('the CRM with NODE_ENV=production also refuses a development key given explicitly, even beside a real one', async () => {
    const real = await generateSigningJwk();
    const devKeys = JSON.parse(DEVELOPMENT_SIGNING_KEYS['fabflow-crm']) as object[];
    const res = run('crm-api', {
      NODE_ENV: 'production',
      AUTH_SIGNING_KEYS: JSON.stringify([real, ...devKeys]),
    });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /- AUTH_SIGNING_KEYS: is a development value/);
  });
});

describe('service boot in production with real values', () => {
  let redis: PrivateRedis;
  let vhost: TestVhost;
  let s3: EmbeddedS3Server;
  let s3Dir: string;
  const databases = {
    shop: uniqueName('t_prod_shop'),
    crm: uniqueName('t_prod_crm'),
    mes: uniqueName('t_prod_mes'),
  };
  const started: ServiceProcess[] = [];

  before(async () => {
    redis = await PrivateRedis.start(); // not at the default address
    vhost = await createTestVhost('prodboot');
    s3Dir = mkdtempSync(join(tmpdir(), 'fabflow-prodboot-s3-'));
    s3 = await EmbeddedS3Server.start({
      dir: s3Dir,
      credentials: {
        accessKeyId: 'prod-like-access-key',
        secretAccessKey: 'prod-like-secret-key-0123',
      },
    });
  });
  after(async () => {
    for (const p of started.reverse()) await p.stop();
    await s3?.stop();
    rmSync(s3Dir, { recursive: true, force: true });
    await redis?.stop();
    await vhost?.drop();
    for (const d of Object.values(databases)) await dropDatabase(d);
  });

  it('every service and the worker start', async () => {
    const crmPort = await freePort();
    const jwks = `fabflow-crm=http://127.0.0.1:${crmPort}/.well-known/jwks.json`;
    const common = {
      NODE_ENV: 'production',
      AMQP_URLS: vhost.url,
      REDIS_URL: redis.url,
    };
    const s3Env = {
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: 'prod-like-access-key',
      S3_SECRET_ACCESS_KEY: 'prod-like-secret-key-0123',
    };
    const services = [
      new ServiceProcess(
        'crm-api',
        crmPort,
        {
          ...common,
          DATABASE_URL: testDatabaseUrl(databases.crm),
          AUTH_SIGNING_KEYS: JSON.stringify([await generateSigningJwk()]),
          SEED_STAFF: 'false',
        },
        'prodboot-crm',
      ),
      new ServiceProcess(
        'shop-api',
        await freePort(),
        {
          ...common,
          ...s3Env,
          DATABASE_URL: testDatabaseUrl(databases.shop),
          AUTH_SIGNING_KEYS: JSON.stringify([await generateSigningJwk('ES256')]),
          AUTH_JWKS_URLS: jwks,
          WEBHOOK_ENCRYPTION_KEY: 'a-production-webhook-key-of-enough-length',
        },
        'prodboot-shop',
      ),
      new ServiceProcess(
        'mes-api',
        await freePort(),
        { ...common, DATABASE_URL: testDatabaseUrl(databases.mes), AUTH_JWKS_URLS: jwks },
        'prodboot-mes',
      ),
    ];
    for (const svc of services) {
      started.push(svc);
      await svc.start();
    }
    const workerPort = await freePort();
    const worker = new ServiceProcess(
      'pricing-worker',
      workerPort,
      {
        ...common,
        ...s3Env,
        DATABASE_URL: testDatabaseUrl(databases.mes),
        WORKER_METRICS_PORT: String(workerPort),
      },
      'prodboot-worker',
      '/metrics',
    );
    started.push(worker);
    await worker.start();
    const health = await fetch(`${services[1]!.url}/health/ready`);
    assert.equal(health.status, 200);
  });
});

describe('OpenAPI documents', () => {
  let sys: FabflowSystem;
  before(async () => {
    sys = await FabflowSystem.start('docs');
  });
  after(() => sys?.stop());

  it('describe each route with the same schemas that validate it', async () => {
    const doc = await sys.client('shop').get<{
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }
        >
      >;
    }>('/docs/json');
    assert.equal(doc.status, 200);
    const schema = (path: string) =>
      doc.body.paths[path]?.post?.requestBody?.content['application/json']?.schema;
    const order = schema('/orders');
    assert.deepEqual(order?.required, ['quoteId']);
    assert.equal(order?.additionalProperties, false);
    assert.equal(
      (order?.properties as Record<string, { format?: string }>).quoteId?.format,
      'uuid',
    );
    const quote = schema('/quotes');
    assert.deepEqual(quote?.required, ['fileId', 'materialId', 'quantity']);
    assert.equal(quote?.additionalProperties, false);
    assert.deepEqual(
      (quote?.properties as Record<string, { maximum?: number }>).quantity?.maximum,
      100_000,
    );
    for (const path of ['/uploads', '/uploads/{id}/complete', '/quotes/{id}/events', '/materials'])
      assert.ok(doc.body.paths[path], `${path} is documented`);
    assert.equal(doc.body.paths['/catalog'], undefined, 'the fixed catalogue is gone');
    const html = await fetch(`${sys.shop.url}/docs`);
    assert.equal(html.status, 200);
    assert.match(await html.text(), /swagger/i);
    for (const svc of ['crm', 'mes'] as const) {
      const d = await sys.client(svc).get<{ paths: Record<string, unknown> }>('/docs/json');
      assert.ok(Object.keys(d.body.paths).length >= 4, `${svc} documents its routes`);
    }
  });

  it('serve at /docs/json exactly the documents committed under docs/api', async () => {
    for (const svc of ['shop', 'crm', 'mes'] as const) {
      const served = await sys.client(svc).get('/docs/json');
      const committed: unknown = JSON.parse(
        readFileSync(join(REPO_ROOT, 'docs', 'api', `${svc}.openapi.json`), 'utf8'),
      );
      assert.deepEqual(
        served.body,
        committed,
        `${svc}: /docs/json is docs/api/${svc}.openapi.json`,
      );
    }
  });
});
