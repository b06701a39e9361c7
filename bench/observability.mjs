// Observability overhead: order-create throughput and latency of real shop + CRM processes with
// tracing and metrics ON (OTEL_ENABLED, sampling 1.0, spans exported over OTLP/HTTP to a
// receiver this benchmark runs; METRICS_ENABLED, /metrics scraped every --scrape-ms) and OFF
// (OTEL_ENABLED=false, METRICS_ENABLED=false), both sets running side by side, measured in
// interleaved rounds of the same run. Goal (issue 4): ON at most 10 % lower throughput than OFF.
// Prints PASS/MISS, never fails on it; writes bench/results/observability-<time>.json.
//
//   node tools/build.mjs && node bench/observability.mjs [--orders 1500] [--rounds 3] [--concurrency 8]
//
// See bench/README.md (observability.mjs) for what each figure means.
import { Buffer } from 'node:buffer';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { cleanup, onCleanup, trapSignals, wasInterrupted } from './common/cleanup.mjs';
import { intOption } from './common/cli.mjs';
import { percentiles } from './common/stats.mjs';

const HELP = `node bench/observability.mjs [options]

  --orders N        orders per round and configuration (default 1500)
  --rounds R        rounds per configuration, interleaved ON/OFF, order alternating (default 3)
  --concurrency C   requests in flight (closed loop, keep-alive) (default 8)
  --warmup N        orders per configuration before the first round (default 300)
  --scrape-ms MS    /metrics scrape interval of the ON services while they are measured (default 2000)
  --log-level L     LOG_LEVEL of the services (default warn: the same logs in both configurations)
  --split           also measure tracing alone and metrics alone (sets "tracing" and "metrics")
  --sampled RATIO   also measure ON with OTEL_TRACES_SAMPLER_RATIO=RATIO (set "sampled"), e.g. 0.1
  --cpu-prof DIR    V8 CPU profiles of every service process into DIR (written when they stop)
  --help`;

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '1500' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '300' },
    'scrape-ms': { type: 'string', default: '2000' },
    'log-level': { type: 'string', default: 'warn' },
    split: { type: 'boolean', default: false },
    sampled: { type: 'string' },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const N = intOption(args, 'orders');
const ROUNDS = intOption(args, 'rounds');
const C = intOption(args, 'concurrency');
const WARMUP = intOption(args, 'warmup', 0);
const SCRAPE_MS = intOption(args, 'scrape-ms', 100);
const LOG_LEVEL = args['log-level'];
/** The configurations measured: ON and OFF always; with --split also each half of ON alone. */
const SAMPLED = args.sampled === undefined ? undefined : Number(args.sampled);
if (SAMPLED !== undefined && !(SAMPLED > 0 && SAMPLED < 1)) {
  console.error(`--sampled must be a ratio between 0 and 1 (exclusive), not ${args.sampled}`);
  process.exit(2);
}
const CONFIGS = {
  on: { tracing: true, metrics: true },
  off: { tracing: false, metrics: false },
  ...(SAMPLED !== undefined ? { sampled: { tracing: true, metrics: true, ratio: SAMPLED } } : {}),
  ...(args.split
    ? { tracing: { tracing: true, metrics: false }, metrics: { tracing: false, metrics: true } }
    : {}),
};
/** ON may be at most this much slower (orders/s), as a fraction of OFF. */
const GOAL_MAX_DROP = 0.1;
/** Linux clock ticks per second (`getconf CLK_TCK`) for /proc/<pid>/stat. */
const CLK_TCK = 100;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const lib = (name) => require(`@fabflow/${name}`);
const {
  ServiceProcess,
  createTestVhost,
  dropDatabase,
  freePort,
  testDatabaseUrl,
  testEnv,
  uniqueName,
} = lib('testing');
const { EmbeddedS3Server } = lib('storage');
// The e2e fixture that writes READY quotes straight into the shop's database (a seed, as the
// order-stream and kill tests use it): every order of the run needs a quote of its own.
const { readyQuotes } = require(join(ROOT, 'apps/e2e/dist/support/quotes.js'));
const pg = require('pg');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};

/** CPU seconds (user + system) a process has used so far, from /proc. */
function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
  const n = f.map(Number);
  const idle = n[3] + n[4];
  const total = n.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

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

/** Starts the OTLP receiver child; resolves with its URL and a stats query. */
async function startSink() {
  const child = fork(join(ROOT, 'bench/observability/otlp-sink.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  onCleanup(() => child.kill());
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`OTLP sink exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m.stats));
        child.send('stats');
      }),
  };
}

/** A ServiceProcess started with a patient readiness wait (boot is slow on a busy machine). */
async function startProcess(proc) {
  onCleanup(() => proc.stop());
  try {
    await proc.start();
  } catch {
    await proc.waitReady(120_000);
  }
}

/**
 * One configuration: a shop and a CRM process on their own databases and vhost, a customer, and
 * `quotes` READY quotes of that customer to order.
 */
async function startSet(name, config, sink, s3, quotes) {
  const vhost = await createTestVhost(`benchobs${name}`);
  onCleanup(() => vhost.drop());
  const dbs = {
    shop: uniqueName(`t_benchobs_${name}_shop`),
    crm: uniqueName(`t_benchobs_${name}_crm`),
  };
  onCleanup(() => dropDatabase(dbs.shop));
  onCleanup(() => dropDatabase(dbs.crm));
  const env = {
    AMQP_URLS: vhost.url,
    REDIS_URL: testEnv.TEST_REDIS_URL,
    LOG_LEVEL,
    RATE_LIMIT_KEY_PREFIX: uniqueName('benchobs'),
    // One login per round: the per-account login limit is not what is measured.
    RATE_LIMIT_LOGIN_BURST: '1000',
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: 'bench-s3-access-key',
    S3_SECRET_ACCESS_KEY: 'bench-s3-secret-access-key',
    S3_FORCE_PATH_STYLE: 'true',
    ...(config.tracing
      ? {
          OTEL_ENABLED: 'true',
          OTEL_TRACES_SAMPLER_RATIO: String(config.ratio ?? 1),
          OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        }
      : { OTEL_ENABLED: 'false' }),
    METRICS_ENABLED: String(config.metrics),
    ...(args['cpu-prof'] ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${args['cpu-prof']}` } : {}),
  };
  const crm = new ServiceProcess(
    'crm-api',
    await freePort(),
    { ...env, DATABASE_URL: testDatabaseUrl(dbs.crm), SEED_STAFF: 'false' },
    `bench-observability-${name}-crm`,
  );
  const shop = new ServiceProcess(
    'shop-api',
    await freePort(),
    { ...env, DATABASE_URL: testDatabaseUrl(dbs.shop) },
    `bench-observability-${name}-shop`,
  );
  await startProcess(crm);
  await startProcess(shop);

  const pool = new pg.Pool({ connectionString: testDatabaseUrl(dbs.shop), max: 2 });
  onCleanup(() => pool.end());
  const email = `bench-${name}-${Date.now()}@example.com`;
  const customer = await json('POST', `${shop.url}/auth/register`, {
    email,
    password: 'bench-customer-password',
    name: 'Bench Customer',
  });
  const login = async () =>
    (await json('POST', `${shop.url}/auth/login`, { email, password: 'bench-customer-password' }))
      .accessToken;
  const accessToken = await login();
  const fixture = { query: async (_db, text, values) => (await pool.query(text, values)).rows };
  const quoteIds = await readyQuotes(fixture, customer.id, quotes);

  // The configuration is what it claims: /metrics answers ON, is absent OFF.
  for (const p of [shop, crm]) {
    const res = await fetch(`${p.url}/metrics`);
    await res.text();
    const want = config.metrics ? 200 : 404;
    if (res.status !== want)
      throw new Error(`${name}: ${p.name} /metrics answered ${res.status}, expected ${want}`);
  }
  return {
    name,
    ...config,
    shop,
    crm,
    pool,
    token: accessToken,
    login,
    quoteIds,
    next: 0,
    rounds: [],
  };
}

/** `n` POST /orders of the set's next quotes, C at a time (closed loop): latencies in ms. */
function placeOrders(set, n, agent) {
  const ids = set.quoteIds.slice(set.next, set.next + n);
  if (ids.length < n) throw new Error(`${set.name}: out of quotes`);
  set.next += n;
  const port = Number(new URL(set.shop.url).port);
  const latencies = [];
  const failures = {};
  let i = 0;
  const one = (quoteId) =>
    new Promise((resolve) => {
      const body = JSON.stringify({ quoteId });
      const t0 = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/orders',
          agent,
          headers: {
            authorization: `Bearer ${set.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 201) latencies.push(performance.now() - t0);
            else failures[res.statusCode] = (failures[res.statusCode] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('error', (err) => {
        failures[err.code ?? 'error'] = (failures[err.code ?? 'error'] ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (i < ids.length) await one(ids[i++]);
  };
  return Promise.all(Array.from({ length: C }, worker)).then(() => ({ latencies, failures }));
}

/** Waits until the CRM has answered every order (OrderReceived projected: none left PLACED). */
async function waitSettled(set, timeoutMs = 300_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await set.pool.query(
      "SELECT count(*)::int AS n FROM orders WHERE status = 'PLACED'",
    );
    if (rows[0].n === 0) return;
    if (Date.now() > until) throw new Error(`${set.name}: ${rows[0].n} orders still PLACED`);
    await sleep(20);
  }
}

/** Scrapes both services' /metrics every SCRAPE_MS until stopped, as Prometheus would. */
function startScraper(set) {
  let scrapes = 0;
  let failed = 0;
  const scrape = () =>
    Promise.all(
      [set.shop, set.crm].map(async (p) => {
        try {
          const res = await fetch(`${p.url}/metrics`);
          await res.text();
          if (res.ok) scrapes += 1;
          else failed += 1;
        } catch {
          failed += 1;
        }
      }),
    );
  void scrape();
  const timer = setInterval(() => void scrape(), SCRAPE_MS);
  return () => {
    clearInterval(timer);
    return { scrapes, failed };
  };
}

/** One measured round of one configuration. */
async function round(set, n, agent, sink) {
  const pids = [set.shop.pid, set.crm.pid];
  const stopScraper = set.metrics ? startScraper(set) : undefined;
  const cpu0 = pids.map(processCpuSeconds);
  const sinkCpu0 = processCpuSeconds(sink.pid);
  // Access tokens live 15 minutes: each round starts with a fresh one (outside the clock).
  set.token = await set.login();
  const m0 = machineTicks();
  const t0 = performance.now();
  const { latencies, failures } = await placeOrders(set, n, agent);
  const httpSeconds = (performance.now() - t0) / 1000;
  await waitSettled(set);
  const settledSeconds = (performance.now() - t0) / 1000;
  const m1 = machineTicks();
  const cpu1 = pids.map(processCpuSeconds);
  const scraped = stopScraper?.();
  const ok = latencies.length;
  const cpuSeconds = cpu1.reduce((s, v, i) => s + v - cpu0[i], 0);
  return {
    ok,
    failures,
    httpSeconds,
    settledSeconds,
    ordersPerSecond: ok / httpSeconds,
    settledOrdersPerSecond: ok / settledSeconds,
    latencies,
    serviceCpuMsPerOrder: (cpuSeconds * 1000) / ok,
    sinkCpuMs: (processCpuSeconds(sink.pid) - sinkCpu0) * 1000,
    machineBusyPercent: (100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total),
    scrapes: scraped,
  };
}

function summarise(set) {
  const rs = set.rounds;
  const ok = rs.reduce((s, r) => s + r.ok, 0);
  const http = rs.reduce((s, r) => s + r.httpSeconds, 0);
  const settled = rs.reduce((s, r) => s + r.settledSeconds, 0);
  const failures = {};
  for (const r of rs)
    for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  return {
    orders: ok,
    failures,
    ordersPerSecond: ok / http,
    medianRoundOrdersPerSecond: median(rs.map((r) => r.ordersPerSecond)),
    settledOrdersPerSecond: ok / settled,
    roundOrdersPerSecond: rs.map((r) => Math.round(r.ordersPerSecond)),
    latencyMs: percentiles(rs.flatMap((r) => r.latencies)),
    serviceCpuMsPerOrder: median(rs.map((r) => r.serviceCpuMsPerOrder)),
    sinkCpuMsPerOrder: rs.reduce((s, r) => s + r.sinkCpuMs, 0) / ok,
    machineBusyPercent: median(rs.map((r) => r.machineBusyPercent)),
    scrapes: rs.reduce((s, r) => s + (r.scrapes?.scrapes ?? 0), 0),
    failedScrapes: rs.reduce((s, r) => s + (r.scrapes?.failed ?? 0), 0),
  };
}

async function main() {
  const started = new Date();
  console.error(
    `starting the OTLP receiver, S3 and a shop + CRM per configuration (${Object.keys(CONFIGS).join(', ')})…`,
  );
  const sink = await startSink();
  const s3Dir = mkdtempSync(join(tmpdir(), 'fabflow-bench-obs-s3-'));
  onCleanup(() => rmSync(s3Dir, { recursive: true, force: true }));
  const s3 = await EmbeddedS3Server.start({
    dir: s3Dir,
    credentials: {
      accessKeyId: 'bench-s3-access-key',
      secretAccessKey: 'bench-s3-secret-access-key',
    },
  });
  onCleanup(() => s3.stop());
  const quotes = WARMUP + ROUNDS * N;
  const sets = [];
  for (const [name, config] of Object.entries(CONFIGS))
    sets.push(await startSet(name, config, sink, s3, quotes));
  const byName = Object.fromEntries(sets.map((x) => [x.name, x]));
  if (args['cpu-prof'])
    console.error(
      `CPU profiles in ${args['cpu-prof']}: ${sets.map((x) => `${x.name} shop ${x.shop.pid}, crm ${x.crm.pid}`).join('; ')}`,
    );
  const agent = new Agent({ keepAlive: true, maxSockets: C });
  onCleanup(() => agent.destroy());

  console.error(`warm-up: ${WARMUP} orders per configuration…`);
  for (const set of sets) {
    if (WARMUP === 0) break;
    const w = await placeOrders(set, WARMUP, agent);
    if (w.latencies.length !== WARMUP)
      throw new Error(`${set.name} warm-up failed: ${JSON.stringify(w.failures)}`);
    await waitSettled(set);
  }
  const load0 = loadavg();
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, and the order rotates, so drift on a shared machine hits every set alike.
    const order = sets.map((_, i) => sets[(i + r) % sets.length]);
    if (r % 2 === 1) order.reverse();
    for (const set of order) {
      const res = await round(set, N, agent, sink);
      set.rounds.push(res);
      console.error(
        `round ${r + 1} ${set.name.padEnd(7)}: ${res.ordersPerSecond.toFixed(1)} orders/s, p50 ${percentiles(res.latencies).p50.toFixed(1)} ms, settled in ${res.settledSeconds.toFixed(1)} s, ${res.serviceCpuMsPerOrder.toFixed(2)} CPU ms/order, machine ${res.machineBusyPercent.toFixed(0)} % busy`,
      );
    }
  }
  const load1 = loadavg();

  // Every span reaches the receiver: the services' shutdown flushes the batch.
  await Promise.all(sets.flatMap((x) => [x.shop.stop(), x.crm.stop()]));
  const exported = await sink.stats();
  // Orders whose trace was sampled (a SAMPLED set exports about its ratio of them).
  const tracedOrders = sets
    .filter((x) => x.tracing)
    .reduce((sum, x) => sum + (CONFIGS[x.name].ratio ?? 1) * (WARMUP + ROUNDS * N), 0);

  const s = Object.fromEntries(sets.map((x) => [x.name, summarise(x)]));
  const pct = (a, b) => (100 * (a - b)) / b;
  const vsOff = (name) => ({
    ordersPerSecondPercent: pct(s[name].ordersPerSecond, s.off.ordersPerSecond),
    medianRoundOrdersPerSecondPercent: pct(
      s[name].medianRoundOrdersPerSecond,
      s.off.medianRoundOrdersPerSecond,
    ),
    settledOrdersPerSecondPercent: pct(
      s[name].settledOrdersPerSecond,
      s.off.settledOrdersPerSecond,
    ),
    p50Percent: pct(s[name].latencyMs.p50, s.off.latencyMs.p50),
    p99Percent: pct(s[name].latencyMs.p99, s.off.latencyMs.p99),
    serviceCpuPercent: pct(s[name].serviceCpuMsPerOrder, s.off.serviceCpuMsPerOrder),
  });
  const others = sets.map((x) => x.name).filter((n) => n !== 'off');
  const diff = Object.fromEntries(others.map((n) => [n, vsOff(n)]));
  const verdict = diff.on.ordersPerSecondPercent >= -100 * GOAL_MAX_DROP ? 'PASS' : 'MISS';
  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    loadavgBefore: load0.map((l) => l.toFixed(2)).join(' '),
    loadavgAfter: load1.map((l) => l.toFixed(2)).join(' '),
    node: process.version,
  };

  const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
  const signed = (v) => `${v >= 0 ? '+' : ''}${f(v)} %`;
  const names = sets.map((x) => x.name);
  const header = [
    ''.padEnd(32),
    ...names.map((n) => n.toUpperCase().padStart(9)),
    ...others.map((n) => `${n.toUpperCase()} vs OFF`.padStart(16)),
  ].join(' ');
  const row = (label, key, digits = 1) =>
    console.log(
      [
        label.padEnd(32),
        ...names.map((n) => f(key(s[n]), digits).padStart(9)),
        ...others.map((n) => signed(pct(key(s[n]), key(s.off))).padStart(16)),
      ].join(' '),
    );
  console.log(
    `\nPOST /orders on shop-api (+ CRM consuming OrderPlaced, shop projecting OrderReceived): ${ROUNDS} interleaved rounds × ${N} orders per configuration, concurrency ${C}, warm-up ${WARMUP}`,
  );
  console.log(
    `machine: ${machine.cpus}; load average ${machine.loadavgBefore} → ${machine.loadavgAfter}; Node ${machine.node}`,
  );
  console.log(
    `ON: OTEL_ENABLED, sampling 1.0, OTLP/HTTP export to the bench's receiver; METRICS_ENABLED, /metrics scraped every ${SCRAPE_MS} ms. OFF: OTEL_ENABLED=false, METRICS_ENABLED=false.${args.split ? ' TRACING: tracing only. METRICS: metrics only.' : ''}${SAMPLED !== undefined ? ` SAMPLED: as ON with sampling ${SAMPLED} (trace context still propagated and logged; unsampled spans are not recorded).` : ''} LOG_LEVEL=${LOG_LEVEL} in all.\n`,
  );
  console.log(header);
  row('orders/s (all rounds)', (x) => x.ordersPerSecond);
  row('orders/s (median round)', (x) => x.medianRoundOrdersPerSecond);
  row('orders/s settled (CRM answered)', (x) => x.settledOrdersPerSecond);
  row('latency p50 ms', (x) => x.latencyMs.p50, 2);
  row('latency p99 ms', (x) => x.latencyMs.p99, 2);
  row('shop + CRM CPU ms per order', (x) => x.serviceCpuMsPerOrder, 2);
  console.log(
    `\nper round, orders/s: ${names.map((n) => `${n.toUpperCase()} ${s[n].roundOrdersPerSecond.join(', ')}`).join('; ')}`,
  );
  console.log(
    `machine busy while measuring (median round, all processes, others' included): ${names.map((n) => `${n.toUpperCase()} ${f(s[n].machineBusyPercent, 0)} %`).join(', ')}`,
  );
  console.log(
    `exported: ${exported.spans} spans in ${exported.requests} OTLP requests (${f(exported.spans / tracedOrders)} spans per order, ${(exported.bytes / 1e6).toFixed(1)} MB); receiver CPU ${f(s.on.sinkCpuMsPerOrder, 2)} ms per order (not counted above); ${s.on.scrapes} scrapes (${s.on.failedScrapes} failed)`,
  );
  // Span names without the database name (one per set), summed over the traced sets.
  const kinds = {};
  for (const [k, v] of Object.entries(exported.byName)) {
    const key = k.replace(/ t_benchobs_\S+$/, '');
    kinds[key] = (kinds[key] ?? 0) + v;
  }
  const top = Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([k, v]) => `${k} ${f(v / tracedOrders, 2)}`);
  console.log(`spans per order by service and name: ${top.join('; ')}`);
  const failures = Object.fromEntries(names.map((n) => [n, s[n].failures]));
  if (names.some((n) => Object.keys(s[n].failures).length > 0))
    console.log(`failed requests: ${JSON.stringify(failures)}`);
  console.log(
    `\nthroughput with tracing + metrics: ${signed(diff.on.ordersPerSecondPercent)} vs off (goal: at most ${GOAL_MAX_DROP * 100} % lower): ${verdict}`,
  );

  const strip = (set) => set.rounds.map(({ latencies: _l, ...r }) => r);
  const report = {
    benchmark: 'observability',
    at: started.toISOString(),
    options: {
      orders: N,
      rounds: ROUNDS,
      concurrency: C,
      warmup: WARMUP,
      scrapeMs: SCRAPE_MS,
      logLevel: LOG_LEVEL,
      split: args.split,
      sampled: SAMPLED ?? null,
    },
    machine,
    configurations: Object.fromEntries(
      sets.map((x) => [
        x.name,
        { tracing: x.tracing, metrics: x.metrics, ...s[x.name], rounds: strip(byName[x.name]) },
      ]),
    ),
    exported: {
      ...exported,
      spansPerOrder: exported.spans / tracedOrders,
      spanKindsPerOrder: kinds,
    },
    differenceVsOffPercent: diff,
    goal: { maxThroughputDropPercent: GOAL_MAX_DROP * 100, verdict },
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `observability-${report.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`\nwritten: ${file}`);
}

trapSignals();
try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  if (!wasInterrupted()) await cleanup();
}
