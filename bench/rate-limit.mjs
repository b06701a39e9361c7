// Limiter overhead: p50/p99 latency of GET /b2b/v1/me on one shop-api process, with the
// per-key GCRA (one EVALSHA to Redis per request) and without it (a key listed in
// B2B_RATE_LIMIT_EXEMPT_KEYS skips the limiter; everything else is the same code path), in
// interleaved rounds of the same run; plus the raw EVALSHA round trip from this process.
// Goal (issue 7): +0.3 ms at p50 and +1 ms at p99 at most. Prints PASS/MISS, never fails.
//
//   node tools/build.mjs && node bench/rate-limit.mjs [--requests 2000] [--rounds 6] [--concurrency 1]
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentiles } from './common/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const lib = (name) => require(`@fabflow/${name}`);
const { GCRA_SCRIPT } = lib('rate-limit');
const {
  ServiceProcess,
  createTestVhost,
  dropDatabase,
  freePort,
  testDatabaseUrl,
  testEnv,
  uniqueName,
} = lib('testing');
const { Redis } = require('ioredis');

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '6' },
    concurrency: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '500' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'node bench/rate-limit.mjs [--requests N per round and mode] [--rounds R] [--concurrency C] [--warmup N]',
  );
  process.exit(0);
}
const N = Number(args.requests);
const ROUNDS = Number(args.rounds);
const C = Number(args.concurrency);
const WARMUP = Number(args.warmup);
const GOAL = { p50: 0.3, p99: 1 };

const cleanup = [];
async function runCleanup() {
  while (cleanup.length > 0)
    await cleanup
      .pop()()
      .catch((e) => console.error(e.message));
}
process.on('SIGINT', () => void runCleanup().then(() => process.exit(130)));

async function json(method, url, body, headers = {}) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** N GETs of /b2b/v1/me with `key`, C at a time (closed loop): latencies in ms. */
function load(port, key, n, agent) {
  const latencies = [];
  let started = 0;
  let errors = 0;
  const one = () =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/b2b/v1/me',
          agent,
          headers: { authorization: `Bearer ${key}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - t0);
            else errors += 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (started < n) {
      started += 1;
      await one();
    }
  };
  return Promise.all(Array.from({ length: C }, worker)).then(() => ({ latencies, errors }));
}

async function evalshaRoundTrip(n) {
  const redis = new Redis(testEnv.TEST_REDIS_URL);
  await redis.script('LOAD', GCRA_SCRIPT.source);
  const key = `bench:rl:${Date.now()}`;
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await redis.evalsha(GCRA_SCRIPT.sha, 1, key, '1', '100000', '1', '');
    out.push(performance.now() - t0);
  }
  await redis.del(key);
  redis.disconnect();
  return percentiles(out);
}

async function main() {
  const vhost = await createTestVhost('benchrl');
  cleanup.push(() => vhost.drop());
  const dbs = { crm: uniqueName('t_benchrl_crm'), shop: uniqueName('t_benchrl_shop') };
  cleanup.push(
    () => dropDatabase(dbs.crm),
    () => dropDatabase(dbs.shop),
  );
  const prefix = uniqueName('benchrl');
  const common = {
    AMQP_URLS: vhost.url,
    REDIS_URL: testEnv.TEST_REDIS_URL,
    OUTBOX_POLL_MS: '200',
    LOG_LEVEL: 'warn',
    OTEL_ENABLED: 'false',
    RATE_LIMIT_KEY_PREFIX: prefix,
  };
  const crm = new ServiceProcess(
    'crm-api',
    await freePort(),
    {
      ...common,
      DATABASE_URL: testDatabaseUrl(dbs.crm),
      SEED_STAFF: 'true',
      SEED_STAFF_PASSWORD: 'bench-staff-password',
    },
    'bench-rate-limit-crm',
  );
  await crm.start();
  cleanup.push(() => crm.stop());
  const { accessToken } = await json('POST', `${crm.url}/auth/login`, {
    email: 'manager@fabflow.local',
    password: 'bench-staff-password',
  });
  const auth = { authorization: `Bearer ${accessToken}` };
  // A tier that never limits at this load: the limiter does its full work and says yes.
  await json(
    'POST',
    `${crm.url}/tiers`,
    {
      id: 'BENCH',
      name: 'Benchmark',
      requestsPerMinute: 1_000_000,
      burst: 100_000,
      dailyOrderQuota: 0,
      dailyQuoteQuota: 0,
      maxConcurrentPricingJobs: 1,
    },
    auth,
  );
  const org = await json(
    'POST',
    `${crm.url}/organisations`,
    { name: 'Bench', tierId: 'BENCH', contactEmails: ['bench@example.com'] },
    auth,
  );
  const limited = await json(
    'POST',
    `${crm.url}/organisations/${org.id}/api-keys`,
    { scopes: ['read'] },
    auth,
  );
  const exempt = await json(
    'POST',
    `${crm.url}/organisations/${org.id}/api-keys`,
    { scopes: ['read'] },
    auth,
  );

  const shopPort = await freePort();
  const shop = new ServiceProcess(
    'shop-api',
    shopPort,
    {
      ...common,
      DATABASE_URL: testDatabaseUrl(dbs.shop),
      B2B_RATE_LIMIT_EXEMPT_KEYS: exempt.prefix,
    },
    'bench-rate-limit-shop',
  );
  await shop.start();
  cleanup.push(() => shop.stop());
  for (const k of [limited, exempt]) {
    for (let i = 0; ; i++) {
      const r = await fetch(`${shop.url}/b2b/v1/me`, {
        headers: { authorization: `Bearer ${k.key}` },
      });
      if (r.status === 200) {
        if (k === limited && !r.headers.get('ratelimit'))
          throw new Error('the limited key got no RateLimit header');
        if (k === exempt && r.headers.get('ratelimit'))
          throw new Error('the exempt key was limited');
        break;
      }
      if (i > 200) throw new Error(`key never reached the shop: ${r.status}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  const agent = new Agent({ keepAlive: true, maxSockets: C });
  await load(shopPort, limited.key, WARMUP, agent);
  await load(shopPort, exempt.key, WARMUP, agent);
  const all = { with: [], without: [] };
  let errors = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, and the order alternates, so drift on a shared machine hits both alike.
    const order = r % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
    for (const mode of order) {
      const res = await load(shopPort, mode === 'with' ? limited.key : exempt.key, N, agent);
      all[mode].push(...res.latencies);
      errors += res.errors;
    }
  }
  agent.destroy();
  const redis = await evalshaRoundTrip(5000);
  const stats = { with: percentiles(all.with), without: percentiles(all.without) };
  const delta = {
    p50: stats.with.p50 - stats.without.p50,
    p99: stats.with.p99 - stats.without.p99,
  };
  const verdict = (k) => (delta[k] <= GOAL[k] ? 'PASS' : 'MISS');
  const f = (v) => v.toFixed(3).padStart(8);
  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    loadavg: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    node: process.version,
  };
  console.log(
    `\nGET /b2b/v1/me, ${ROUNDS} interleaved rounds × ${N} requests per mode, concurrency ${C}`,
  );
  console.log(
    `machine: ${machine.cpus}; load average ${machine.loadavg}; Node ${machine.node}; errors ${errors}\n`,
  );
  console.log('                         p50 ms   p90 ms   p99 ms   max ms');
  console.log(
    `with the limiter      ${f(stats.with.p50)} ${f(stats.with.p90)} ${f(stats.with.p99)} ${f(stats.with.max)}`,
  );
  console.log(
    `without (exempt key)  ${f(stats.without.p50)} ${f(stats.without.p90)} ${f(stats.without.p99)} ${f(stats.without.max)}`,
  );
  console.log(
    `raw EVALSHA (bench)   ${f(redis.p50)} ${f(redis.p90)} ${f(redis.p99)} ${f(redis.max)}`,
  );
  console.log(
    `\nlimiter overhead: p50 +${delta.p50.toFixed(3)} ms (goal ≤ +${GOAL.p50}: ${verdict('p50')}), p99 +${delta.p99.toFixed(3)} ms (goal ≤ +${GOAL.p99}: ${verdict('p99')})`,
  );
  const report = {
    benchmark: 'rate-limit',
    at: new Date().toISOString(),
    options: { requests: N, rounds: ROUNDS, concurrency: C, warmup: WARMUP },
    machine,
    errors,
    latencyMs: { withLimiter: stats.with, withoutLimiter: stats.without, rawEvalsha: redis },
    overheadMs: delta,
    goals: { p50: verdict('p50'), p99: verdict('p99') },
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `rate-limit-${report.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`\nwritten: ${file}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(runCleanup);
