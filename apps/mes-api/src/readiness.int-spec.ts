import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IsolatedService, PrivateRedis, REPO_ROOT, waitFor } from '@fabflow/testing';

/*
 * /health/ready is public: it says which dependency is down, never why (a host, a user name or
 * a driver's message would tell anyone about the inside); the reason goes to the log.
 */
describe('mes-api readiness (real process, a Redis the test stops)', () => {
  let redis: PrivateRedis;
  let mes: IsolatedService;

  before(async () => {
    redis = await PrivateRedis.start();
    mes = await IsolatedService.start('mes-api', 'mesready', { REDIS_URL: redis.url });
  });
  after(async () => {
    await mes?.stop();
    await redis?.stop();
  });

  it('reports each dependency up or down, without error text; the reason is logged', async () => {
    const up = await fetch(`${mes.url}/health/ready`);
    assert.equal(up.status, 200);
    assert.deepEqual(await up.json(), {
      status: 'ok',
      checks: { database: { status: 'up' }, rabbitmq: { status: 'up' }, redis: { status: 'up' } },
    });

    const logFile = join(REPO_ROOT, 'test-results', 'mesready.log');
    const logged = statSync(logFile).size;
    await redis.stop();
    let text = '';
    await waitFor('readiness to see Redis down', async () => {
      const res = await fetch(`${mes.url}/health/ready`);
      text = await res.text();
      return res.status === 503;
    });
    assert.deepEqual(JSON.parse(text), {
      status: 'error',
      checks: { database: { status: 'up' }, rabbitmq: { status: 'up' }, redis: { status: 'down' } },
    });
    assert.doesNotMatch(text, /"error":|ECONNREFUSED|127\.0\.0\.1|timed out|connect/i);
    const log = readFileSync(logFile, 'utf8').slice(logged);
    assert.match(log, /"check":"redis","err":"[^"]+".*"msg":"readiness check failed"/);
  });
});
