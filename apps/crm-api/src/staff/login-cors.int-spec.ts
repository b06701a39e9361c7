import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  createTestVhost,
  dropDatabase,
  freePort,
  serviceMain,
  ServiceProcess,
  testDatabaseUrl,
  testEnv,
  uniqueName,
  type TestVhost,
} from '@fabflow/testing';

const DASHBOARD = 'http://127.0.0.1:3902';
const PASSWORD = 'cors-test-staff-password';

/*
 * The MES dashboard logs in at the CRM from its own origin. The CRM answers cross-origin
 * requests of the origins in CORS_ALLOWED_ORIGINS, and only of those. (A real browser obeying
 * these headers: apps/e2e/src/dashboard/dashboard.e2e-spec.)
 */
describe('crm-api staff login from the dashboard origin (CORS, real process)', () => {
  let vhost: TestVhost;
  let database: string;
  let crm: ServiceProcess;

  before(async () => {
    vhost = await createTestVhost('crmcors');
    database = uniqueName('t_crmcors');
    crm = new ServiceProcess(
      'crm-api',
      await freePort(),
      {
        AMQP_URLS: vhost.url,
        DATABASE_URL: testDatabaseUrl(database),
        REDIS_URL: testEnv.TEST_REDIS_URL,
        SEED_STAFF: 'true',
        SEED_STAFF_PASSWORD: PASSWORD,
        // Its own login buckets: every test CRM has the same staff emails.
        RATE_LIMIT_KEY_PREFIX: uniqueName('rl-crmcors'),
        CORS_ALLOWED_ORIGINS: `${DASHBOARD}, https://mes.example.com`,
      },
      'crm-cors',
    );
    await crm.start();
  });

  after(async () => {
    await crm?.stop();
    if (database) await dropDatabase(database);
    await vhost?.drop();
  });

  const preflight = (origin: string) =>
    fetch(`${crm.url}/auth/login`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it('lets an allowed origin post the login: preflight, then the answer carries the origin', async () => {
    const pre = await preflight(DASHBOARD);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), DASHBOARD);
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /content-type/);
    assert.equal(pre.headers.get('access-control-allow-credentials'), null, 'no cookies');

    const res = await fetch(`${crm.url}/auth/login`, {
      method: 'POST',
      headers: { origin: DASHBOARD, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'operator@fabflow.local', password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), DASHBOARD);
    assert.equal(((await res.json()) as { role: string }).role, 'operator');
  });

  it('gives any other origin no CORS headers, so a browser withholds the answer', async () => {
    const pre = await preflight('https://evil.example');
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    const res = await fetch(`${crm.url}/auth/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'operator@fabflow.local', password: 'wrong-password' }),
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('refuses to start with an origin that is not one, naming the variable', () => {
    const run = spawnSync(process.execPath, [serviceMain('crm-api')], {
      env: { ...process.env, CORS_ALLOWED_ORIGINS: 'http://127.0.0.1:3002/dashboard/' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /- CORS_ALLOWED_ORIGINS: must be an origin/);
  });
});
