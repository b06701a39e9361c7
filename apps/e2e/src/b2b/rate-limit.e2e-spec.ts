import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  freePort,
  HttpClient,
  ServiceProcess,
  testDatabaseUrl,
  testEnv,
  uniqueName,
  waitFor,
} from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import {
  createOrganisation,
  crmManager,
  issueKey,
  waitForKey,
  withKey,
  type IssuedKey,
} from './b2b-support';

/*
 * Three shop instances on one Redis and one database, the key issued in the CRM. A client
 * sends three times its tier's rate for 30 s, round-robin over the instances: the shared GCRA
 * admits rate × time + burst, and no more. Then the key is revoked in the CRM and every
 * instance is watched until it refuses it. Timings are printed, not asserted.
 */
const RATE = 20; // requests per second: a tier of 1200/min
const BURST = 20;
const SECONDS = 30;

interface Sent {
  at: number;
  done: number;
  instance: number;
  status: number;
  retryAfter: number | null;
}

describe('the shared rate limiter across three shop instances', { timeout: 300_000 }, () => {
  let sys: FabflowSystem;
  const extra: ServiceProcess[] = [];
  let shops: HttpClient[];
  let crm: HttpClient;
  let organisationId: string;
  let key: IssuedKey;
  const prefix = uniqueName('rl');

  before(async () => {
    // What is measured is the shared limiter: a timeout long enough that only a Redis outage,
    // not a busy machine, sends an instance to its fallback (checked below).
    const env = {
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMIT_INSTANCES: '3',
      RATE_LIMIT_REDIS_TIMEOUT_MS: '5000',
    };
    sys = await FabflowSystem.start('rlprec', { env });
    for (let i = 2; i <= 3; i++) {
      const shop = new ServiceProcess(
        'shop-api',
        await freePort(),
        {
          AMQP_URLS: sys.vhost.url,
          DATABASE_URL: testDatabaseUrl(sys.databases.shop),
          REDIS_URL: testEnv.TEST_REDIS_URL,
          ...sys.authEnv.shop,
          OUTBOX_POLL_MS: '200',
          RETRY_DELAYS_MS: '200,500,1000',
          ...env,
        },
        `rlprec-shop-${i}`,
      );
      await shop.start();
      extra.push(shop);
    }
    shops = [sys.shop, ...extra].map((s) => new HttpClient(s.url));
    crm = await crmManager(sys);
    const tier = await crm.post('/tiers', {
      id: 'PRECISION',
      name: 'Precision test',
      requestsPerMinute: RATE * 60,
      burst: BURST,
      dailyOrderQuota: 100,
      dailyQuoteQuota: 100,
      maxConcurrentPricingJobs: 2,
    });
    assert.equal(tier.status, 201, JSON.stringify(tier.body));
    organisationId = await createOrganisation(crm, 'PRECISION');
    key = await issueKey(crm, organisationId, ['read']);
    await waitForKey(shops, key.key);
  });

  after(async () => {
    await Promise.all(extra.map((s) => s.stop()));
    await sys?.stop();
  });

  it(`admits rate × time + burst at 3× the rate for ${SECONDS} s, none over; Retry-After is right`, async () => {
    await new Promise((r) => setTimeout(r, (BURST / RATE) * 1000 + 500)); // a full bucket
    const interval = 1000 / (3 * RATE);
    const total = Math.round((SECONDS * 1000) / interval);
    const t0 = performance.now();
    const sent: Array<Promise<Sent>> = [];
    for (let i = 0; i < total; i++) {
      // Open loop: request i is due at t0 + i·interval, whatever happened before.
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const instance = i % 3;
      const at = performance.now();
      sent.push(
        shops[instance]!.get('/b2b/v1/me', withKey(key.key)).then((res) => {
          const ra = res.headers.get('retry-after');
          return {
            at,
            done: performance.now(),
            instance,
            status: res.status,
            retryAfter: ra === null ? null : Number(ra),
          };
        }),
      );
    }
    const results = (await Promise.all(sent)).sort((a, b) => a.at - b.at);
    const statuses = new Set(results.map((r) => r.status));
    assert.deepEqual([...statuses].sort(), [200, 429], 'only admitted and limited');
    const admitted = results.filter((r) => r.status === 200);
    const span = (results.at(-1)!.at - results[0]!.at) / 1000;
    const upperSpan = (Math.max(...results.map((r) => r.done)) - results[0]!.at) / 1000;
    const expected = RATE * span + BURST;
    const ceiling = RATE * upperSpan + BURST;
    const share = admitted.length / expected;
    const perInstance = [0, 1, 2].map((i) => admitted.filter((r) => r.instance === i).length);

    // Retry-After against when the next request was in fact admitted (any instance).
    const errors: number[] = [];
    let next = admitted.length - 1;
    for (let i = results.length - 1; i >= 0; i--) {
      const r = results[i]!;
      while (next >= 0 && admitted[next]!.at > r.at) next--;
      if (r.status !== 429) continue;
      const following = admitted[next + 1];
      if (following) errors.push((following.at - r.at) / 1000 - r.retryAfter!);
    }
    const maxError = Math.max(...errors.map(Math.abs));
    const within = errors.filter((e) => Math.abs(e) <= 1).length / errors.length;
    console.log(
      [
        `limiter precision: ${results.length} requests in ${span.toFixed(2)} s (${(results.length / span).toFixed(1)}/s, 3 instances)`,
        `admitted ${admitted.length} (per instance ${perInstance.join('/')}), rate × time + burst = ${expected.toFixed(1)} → ${(share * 100).toFixed(2)} %; ceiling with the last answer ${ceiling.toFixed(1)}`,
        `Retry-After: ${errors.length} refusals, values ${[...new Set(results.filter((r) => r.retryAfter !== null).map((r) => r.retryAfter))].join(',')} s; error vs the next admission: max ${maxError.toFixed(3)} s, ${(within * 100).toFixed(1)} % within ±1 s (${within === 1 ? 'PASS' : 'MISS'})`,
      ].join('\n'),
    );
    const degraded = await Promise.all(
      shops.map(async (shop) => {
        const text = await (await fetch(`${shop.baseUrl}/metrics`)).text();
        return [
          ...text.matchAll(
            /^fabflow_rate_limit_decisions_total\{[^}]*mode="degraded"[^}]*\} (\d+)$/gm,
          ),
        ]
          .map((m) => Number(m[1]))
          .reduce((a, b) => a + b, 0);
      }),
    );
    console.log(`decisions by the per-instance fallback: ${degraded.join('/')}`);
    assert.deepEqual(degraded, [0, 0, 0], 'every decision came from the shared Redis bucket');
    assert.ok(admitted.length <= ceiling, `none over: ${admitted.length} <= ${ceiling}`);
    assert.ok(share >= 0.99, `within 1 %: ${admitted.length} of ${expected}`);
    assert.ok(perInstance.every((n) => n > 0));
    // At 20/s a slot frees every 50 ms: every refusal says 1 s (rounded up, never 0).
    assert.ok(results.filter((r) => r.status === 429).every((r) => r.retryAfter === 1));
  });

  it('refuses a key revoked in the CRM on every instance (time printed per instance)', async () => {
    const started = performance.now();
    const revoked = await crm.post(`/organisations/${organisationId}/api-keys/${key.id}/revoke`);
    assert.equal(revoked.status, 200);
    const times = await Promise.all(
      shops.map((shop) =>
        waitFor(
          `the revoked key refused by ${shop.baseUrl}`,
          async () => {
            const r = await shop.get('/b2b/v1/me', withKey(key.key));
            return r.status === 401 ? (performance.now() - started) / 1000 : undefined;
          },
          30_000,
          50,
        ),
      ),
    );
    console.log(
      `revocation: 401 after ${times.map((t, i) => `instance ${i + 1} ${t.toFixed(2)} s`).join(', ')} (goal 5 s: ${times.every((t) => t <= 5) ? 'PASS' : 'MISS'})`,
    );
    assert.equal(times.length, 3);
  });
});
