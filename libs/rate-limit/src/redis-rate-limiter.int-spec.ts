import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger, createMetricsRegistry } from '@fabflow/observability';
import { PrivateRedis, testEnv, waitFor } from '@fabflow/testing';
import { gcraStep, type RateLimitRule } from './gcra';
import { DAY_US } from './quota';
import { createRateLimitMetrics } from './rate-limit-metrics';
import { createLimiterRedis } from './rate-limit.module';
import { RedisRateLimiter } from './redis-rate-limiter';

/*
 * The Lua scripts in a real Redis. Most cases pass an explicit clock to the script (its
 * "now override"), so the arithmetic is checked to the microsecond without sleeping; one case
 * runs on Redis TIME. SCRIPT FLUSH and outages happen on a private redis-server, never on the
 * shared one.
 */
const RULE: RateLimitRule = { name: 'test', limit: 1200, periodSeconds: 60, burst: 5 }; // 20/s
const T = 50_000; // µs

function captureLogs() {
  const lines: Array<{ level: string; msg: string }> = [];
  const logger = createLogger({
    service: 'rate-limit-test',
    level: 'info',
    destination: { write: (l: string) => void lines.push(JSON.parse(l) as never) },
  });
  return { logger, lines };
}

describe('RedisRateLimiter against a real Redis', () => {
  const clients: Redis[] = [];
  let now = 1_800_000_000_000_000; // µs, a fixed point in 2027
  const clockUs = () => now;
  const prefix = `t:rl:${randomBytes(4).toString('hex')}`;

  const limiter = (opts: { clock?: boolean; url?: string; instances?: number } = {}) => {
    const redis = createLimiterRedis(
      { REDIS_URL: opts.url ?? testEnv.TEST_REDIS_URL },
      500,
      'rate-limit-test',
    );
    clients.push(redis);
    const { logger, lines } = captureLogs();
    const registry = createMetricsRegistry('rate-limit-test');
    const l = new RedisRateLimiter({
      redis,
      keyPrefix: prefix,
      instances: opts.instances ?? 1,
      logger,
      metrics: createRateLimitMetrics(registry),
      probeIntervalMs: 50,
      ...(opts.clock === false ? {} : { clockUs }),
    });
    return { l, redis, lines, registry };
  };

  after(async () => {
    const admin = new Redis(testEnv.TEST_REDIS_URL);
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
    for (const c of clients) c.disconnect();
  });

  // Connected before use: the limiter's client has no offline queue.
  const connected = async <T extends { redis: Redis }>(x: T): Promise<T> => {
    await x.redis.connect();
    return x;
  };
  const counter = async (registry: ReturnType<typeof createMetricsRegistry>, labels: object) => {
    const m = await registry.getSingleMetric('fabflow_rate_limit_decisions_total')!.get();
    return m.values
      .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
      .reduce((n, v) => n + v.value, 0);
  };

  it('admits the burst, then exactly one request per emission interval, like the reference', async () => {
    const { l } = await connected(limiter());
    const key = `k-${randomBytes(3).toString('hex')}`;
    let tat: number | undefined;
    // 400 arrivals at random gaps of 0..40 ms: sometimes within the rate, mostly above it.
    for (let i = 0; i < 400; i++) {
      now += Math.floor(Math.random() * 40_000);
      const expected = gcraStep(tat, now, RULE);
      tat = expected.tatUs;
      const got = await l.consume(RULE, key);
      assert.deepEqual(
        [
          got.allowed,
          got.remaining,
          Math.round(got.retryAfterMs * 1000),
          Math.round(got.resetAfterMs * 1000),
        ],
        [expected.allowed, expected.remaining, expected.retryAfterUs, expected.resetAfterUs],
        `arrival ${i}`,
      );
      assert.equal(got.degraded, false);
    }
  });

  it('at 3× the rate admits rate × time + burst, and retry-after is exact to the microsecond', async () => {
    const { l, redis } = await connected(limiter());
    const key = `k-${randomBytes(3).toString('hex')}`;
    const start = now;
    let admitted = 0;
    let checked = 0;
    for (let i = 0; i < 600; i++) {
      const d = await l.consume(RULE, key);
      if (d.allowed) admitted += 1;
      else if (i % 7 === 0) {
        // Refused: 1 µs before retry-after it is still refused, at retry-after it is admitted.
        // (Probed on a copy of the key, so the run itself is not disturbed.)
        const probe = `${key}-probe-${i}`;
        const state = await redis.get(`${prefix}:{${key}}:g`);
        const at = now + d.retryAfterMs * 1000;
        await redis.set(`${prefix}:{${probe}}:g`, state!, 'PX', 60_000);
        const saved = now;
        now = at - 1;
        assert.equal((await l.consume(RULE, probe)).allowed, false);
        now = at;
        assert.equal((await l.consume(RULE, probe)).allowed, true);
        now = saved;
        checked += 1;
      }
      now += Math.round(T / 3);
    }
    const span = now - Math.round(T / 3) - start;
    assert.equal(admitted, Math.floor(span / T) + RULE.burst);
    assert.ok(checked > 50);
  });

  it('shares one bucket between two instances (two connections) drawing on the same key', async () => {
    const a = await connected(limiter());
    const b = await connected(limiter());
    const key = `k-${randomBytes(3).toString('hex')}`;
    const start = now;
    const admitted = { a: 0, b: 0 };
    for (let i = 0; i < 300; i++) {
      const [da, db] = await Promise.all([a.l.consume(RULE, key), b.l.consume(RULE, key)]);
      if (da.allowed) admitted.a += 1;
      if (db.allowed) admitted.b += 1;
      now += 10_000;
    }
    const span = now - 10_000 - start;
    assert.equal(admitted.a + admitted.b, Math.floor(span / T) + RULE.burst);
    assert.ok(admitted.a > 0 && admitted.b > 0, JSON.stringify(admitted));
  });

  it('uses Redis TIME when no clock is given', async () => {
    const { l, redis } = await connected(limiter({ clock: false }));
    const key = `k-${randomBytes(3).toString('hex')}`;
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await l.consume(RULE, key));
    // Six calls take far less than one emission interval (50 ms) on any machine that can run Redis.
    assert.deepEqual(
      results.map((r) => r.allowed),
      [true, true, true, true, true, false],
    );
    const refused = results[5]!;
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 50, String(refused.retryAfterMs));
    const ttl = await redis.pttl(`${prefix}:{${key}}:g`);
    assert.ok(ttl > 0 && ttl <= 250 + 1000 + 1, `the bucket key expires once full again: ${ttl}`);
  });

  it('counts a daily quota per UTC day: refusals are not counted, the counter starts again at midnight', async () => {
    const { l, redis } = await connected(limiter());
    const key = `org-${randomBytes(3).toString('hex')}`;
    const rule = { name: 'quotes-daily', limit: 3 };
    const midnight = Math.ceil(now / DAY_US) * DAY_US;
    now = midnight - 2_000_000; // 23:59:58
    const used = [];
    for (let i = 0; i < 4; i++) used.push(await l.quota(rule, key));
    assert.deepEqual(
      used.map((d) => [d.allowed, d.used, d.remaining]),
      [
        [true, 1, 2],
        [true, 2, 1],
        [true, 3, 0],
        [false, 3, 0],
      ],
    );
    assert.equal(used[3]!.resetAfterMs, 2000);
    assert.equal((await l.peekQuota(rule, key)).used, 3);
    const dayKey = `${prefix}:{${key}}:q:quotes-daily:${Math.floor(now / DAY_US)}`;
    const ttl = await redis.ttl(dayKey);
    assert.ok(ttl > 0 && ttl <= 2 + 3600, `today's counter expires after midnight: ${ttl}`);
    assert.equal(
      (await l.quota(rule, key, 2)).allowed,
      false,
      'a cost that does not fit is refused',
    );

    now = midnight + 1; // 00:00:00.000001 the next day
    const tomorrow = await l.quota(rule, key);
    assert.deepEqual([tomorrow.allowed, tomorrow.used, tomorrow.remaining], [true, 1, 2]);
    assert.equal(tomorrow.resetAfterMs, (DAY_US - 1) / 1000);
  });

  describe('on a private redis-server', () => {
    let server: PrivateRedis;
    before(async () => {
      server = await PrivateRedis.start();
    });
    after(() => server?.stop());

    it('sends the script again after SCRIPT FLUSH (NOSCRIPT), then goes back to EVALSHA', async () => {
      const { l, redis } = await connected(limiter({ url: server.url }));
      const key = 'flush';
      assert.equal((await l.consume(RULE, key)).allowed, true);
      assert.equal(l.scriptReloads, 1, 'the first call on a fresh server loads the script');
      assert.equal((await l.consume(RULE, key)).remaining, 3);
      assert.equal(l.scriptReloads, 1);
      await redis.script('FLUSH');
      const d = await l.consume(RULE, key);
      assert.equal(d.remaining, 2, 'the bucket state survived; only the script cache was flushed');
      assert.equal(l.scriptReloads, 2);
      await l.consume(RULE, key);
      assert.equal(l.scriptReloads, 2);
    });

    it('limits per instance at rate ÷ instances while Redis is down, says so once, and recovers', async () => {
      const { l, lines, registry } = await connected(limiter({ url: server.url, instances: 2 }));
      const key = 'outage';
      assert.equal((await l.consume(RULE, key)).degraded, false);
      await server.stop();

      // Down: decided in memory at half the rate (T = 100 ms) with half the burst (3).
      const local = [];
      for (let i = 0; i < 8; i++) {
        local.push(await l.consume(RULE, key));
        now += 20_000;
      }
      assert.ok(local.every((d) => d.degraded));
      assert.deepEqual(
        local.map((d) => d.allowed),
        [true, true, true, false, false, true, false, false],
      );
      const degradedLines = lines.filter((x) => x.msg.startsWith('rate limiter degraded'));
      assert.equal(degradedLines.length, 1, 'one log line for the transition, not one per request');
      assert.match(degradedLines[0]!.msg, /rate ÷ 2/);
      const metrics = await registry.metrics();
      assert.match(metrics, /^fabflow_rate_limit_degraded\{service="rate-limit-test"\} 1$/m);
      assert.equal(await counter(registry, { outcome: 'limited', mode: 'degraded' }), 4);
      assert.equal(await counter(registry, { outcome: 'allowed', mode: 'degraded' }), 4);

      await server.startServer();
      const back = await waitFor(
        'the limiter to use Redis again',
        async () => {
          const d = await l.consume(RULE, key);
          return d.degraded ? undefined : d;
        },
        15_000,
        100,
      );
      assert.equal(back.degraded, false);
      assert.equal(lines.filter((x) => x.msg.startsWith('rate limiter recovered')).length, 1);
      assert.match(
        await registry.metrics(),
        /^fabflow_rate_limit_degraded\{service="rate-limit-test"\} 0$/m,
      );
    });
  });
});
