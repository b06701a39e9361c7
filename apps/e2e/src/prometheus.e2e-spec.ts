import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pricingEngineFixtures, REPO_ROOT, waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES } from './pricing/support/pricing-system';
import { FabflowSystem } from './support/fabflow-system';
import { InfraExporters } from './support/infra-exporters';
import {
  placeOrder,
  produceAndShip,
  journeyClients,
  waitForCrmStatus,
  waitForShopStatus,
  waitForWorkOrder,
} from './support/journey';
import { PrometheusProcess } from './support/prometheus-process';
import { uploadModel } from './support/quotes';

/*
 * The alert and recording rules (deploy/prometheus/rules) and every Grafana dashboard query
 * (deploy/grafana/dashboards) against a real Prometheus scraping the three services and the
 * pricing worker as real processes, and the infrastructure through the real exporters (the
 * broker's own plugin, postgres_exporter, redis_exporter, nginx on deploy/nginx/nginx.conf with
 * nginx-prometheus-exporter and mtail), after an order journey, one priced quote, some 4xx
 * traffic and requests through nginx. promtool's unit tests prove the rules'
 * logic on made-up series; this proves the expressions match what the services really expose
 * (names, labels, label values), so no alert or panel is silently empty.
 *
 * Which results may be empty: an alert condition is normally false, so its full expression
 * (`A > 0.05 and B > 0.05`) is only required to run. The operands of its comparisons and of
 * `and` (`A`, `B`) are what must return data: each names series that exist in a healthy system.
 * A number literal is no operand to check, and an `or` is split only when each side is itself
 * a condition (the burn-rate alerts' `(A > x and B > x) or (C > y and D > y)`): a plain `or` may
 * have an empty left side by design (no 5xx at all) that the right side fills in, so the whole
 * `or` must return data.
 * Everything else (recording rules, dashboard queries, the operands) must return data; the
 * allowlist below names any exception with its reason (it is empty: none is needed today).
 */

const SERVICES = ['shop-api', 'crm-api', 'mes-api'] as const;
/** Scraped besides the services: the pricing worker (no HTTP API, so not a `$service`). */
const TARGETS = [...SERVICES, 'pricing-worker'] as const;
const RULES_DIR = join(REPO_ROOT, 'deploy', 'prometheus', 'rules');
const DASHBOARDS_DIR = join(REPO_ROOT, 'deploy', 'grafana', 'dashboards');
/** Grafana's `$__rate_interval` for the 1 s scrapes of this test (Grafana would pick ≥ 4 s). */
const RATE_INTERVAL = '1m';
/** Expressions allowed to return no data, with why. Empty: every query has data today. */
const ALLOWED_EMPTY = new Map<string, string>([]);

interface RuleInfo {
  name: string;
  query: string;
  health: string;
  lastError?: string;
  type: 'alerting' | 'recording';
}
interface RuleGroup {
  name: string;
  file: string;
  rules: RuleInfo[];
}
interface Panel {
  title?: string;
  type: string;
  panels?: Panel[];
  targets?: Array<{ expr?: string; refId: string }>;
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating?: { list: Array<{ name: string; type: string; query?: { query: string } }> };
}

/** Splits `expr` at each top-level match of `ops` (outside (), [], {} and strings). */
function topLevelSplit(expr: string, ops: RegExp): { operands: string[]; operators: string[] } {
  const operands: string[] = [];
  const operators: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = expr.indexOf(c, i + 1);
      i = end < 0 ? expr.length : end;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0) {
      const m = ops.exec(expr.slice(i));
      const before = i === 0 ? ' ' : expr[i - 1]!;
      // Keywords (and, or, unless) only as whole words, not inside a metric name.
      if (m && !(/^[a-z]/.test(m[0]) && /[\w:]/.test(before))) {
        operands.push(expr.slice(start, i));
        operators.push(m[0].trim());
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  operands.push(expr.slice(start));
  return { operands, operators };
}

function stripOuterParens(expr: string): string {
  let e = expr.trim();
  while (e.startsWith('(') && e.endsWith(')')) {
    let depth = 0;
    let closesAtEnd = true;
    for (let i = 0; i < e.length - 1; i++) {
      if (e[i] === '(') depth++;
      else if (e[i] === ')') depth--;
      if (depth === 0) {
        closesAtEnd = false;
        break;
      }
    }
    if (!closesAtEnd) break;
    e = e.slice(1, -1).trim();
  }
  return e;
}

/** Drops binary-operator modifiers (`bool`, `on(…)`, `ignoring(…)`, `group_left(…)`) in front. */
const stripModifiers = (e: string) =>
  e
    .trim()
    .replace(/^bool\s+/, '')
    .replace(/^(on|ignoring)\s*\([^)]*\)\s*/, '')
    .replace(/^(group_left|group_right)\s*(\([^)]*\))?\s*/, '')
    .trim();

/** A condition: a top-level `and`/`unless` or comparison, as an alert's alternatives are. */
const isCondition = (e: string) =>
  topLevelSplit(e, /^(and|unless)\b/).operands.length > 1 ||
  topLevelSplit(e, /^\s*(==|!=|>=|<=|>|<)/).operands.length > 1;

const isNumber = (e: string) => /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(e.trim());

/**
 * The sub-expressions of `expr` that must return data in a healthy, running system: the
 * operands of its top-level comparisons and `and`s (recursively), the left side of `unless`, or
 * the whole expression when it is neither (see the comment at the top).
 */
function dataProbes(expr: string): string[] {
  const e = stripOuterParens(expr);
  const alternatives = topLevelSplit(e, /^or\b/).operands.map(stripOuterParens);
  if (alternatives.length > 1)
    return alternatives.every(isCondition) ? alternatives.flatMap(dataProbes) : [e];
  const sets = topLevelSplit(e, /^(and|unless)\b/);
  if (sets.operands.length > 1) {
    return sets.operands.flatMap((operand, i) =>
      i > 0 && sets.operators[i - 1] === 'unless' ? [] : dataProbes(stripModifiers(operand)),
    );
  }
  const cmp = topLevelSplit(e, /^\s*(==|!=|>=|<=|>|<)/);
  if (cmp.operands.length > 1) {
    return cmp.operands
      .map(stripModifiers)
      .filter((o) => !isNumber(o))
      .flatMap(dataProbes);
  }
  return [e];
}

/** A dashboard query with Grafana's variables replaced by concrete values. */
function substitute(expr: string, service: string): string {
  const out = expr
    .replaceAll('$__rate_interval', RATE_INTERVAL)
    .replaceAll('${service}', service)
    .replaceAll('$service', service);
  assert.doesNotMatch(out, /\$/, `a Grafana variable this test does not know: ${expr}`);
  return out;
}

describe('alert rules and dashboards against a real Prometheus scraping the services', () => {
  let sys: FabflowSystem;
  let pricing: PricingSystem;
  let prom: PrometheusProcess;
  let infra: InfraExporters;

  before(async () => {
    // A one-second SLA for orders awaiting confirmation, so the stuck-order series is not 0.
    sys = await FabflowSystem.start('prom', {
      env: { STUCK_ORDER_SLA: 'AWAITING_CONFIRMATION=1s,CONFIRMED=1h' },
    });
    // The pricing worker on the MES's database and broker, with an embedded S3 server.
    pricing = await PricingSystem.attach('prom-pricing', {
      amqpUrl: sys.vhost.url,
      database: sys.databases.mes,
      queueName: sys.pricingQueue,
    });
    infra = await InfraExporters.start({
      vhost: sys.vhostName,
      upstreams: { shop: sys.shop.port, crm: sys.crm.port, mes: sys.mes.port },
    });
    const ports = {
      'shop-api': sys.shop.port,
      'crm-api': sys.crm.port,
      'mes-api': sys.mes.port,
      'pricing-worker': pricing.worker.port,
    };
    prom = await PrometheusProcess.start({
      // As in deploy/prometheus/prometheus.yml: the services' own `service` label is kept.
      jobs: [
        ...TARGETS.map((service) => ({
          job: service,
          service,
          targets: [`127.0.0.1:${ports[service]}`],
          honorLabels: true,
        })),
        ...infra.jobs,
      ],
      ruleFiles: [join(RULES_DIR, '*.yml')],
    });

    // Traffic: a model upload, one order through production to SHIPPED, one left awaiting
    // confirmation, and client errors on every service.
    const { shop, crm, mes } = await journeyClients(sys);
    await uploadModel(shop);
    const orderId = await placeOrder(shop);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    assert.equal((await crm.post(`/orders/${orderId}/approve`, {})).status, 200);
    const wo = await waitForWorkOrder(mes, orderId);
    await produceAndShip(mes, wo.id as string);
    await waitForShopStatus(shop, orderId, 'SHIPPED');
    await waitForCrmStatus(crm, await placeOrder(shop), 'AWAITING_CONFIRMATION');
    assert.equal((await shop.get('/orders/01890000-0000-7000-8000-000000000000')).status, 404);
    assert.equal((await shop.post('/orders', { quoteId: 'not-a-quote' })).status, 400);
    assert.equal((await crm.get('/orders/not-a-uuid')).status, 400);
    // Work-queue reads for the "Dashboard cache" dashboard: misses, hits and concurrent misses.
    for (const q of ['/work-orders', '/work-orders/counts', '/work-orders', '/work-orders/counts'])
      assert.equal((await mes.get(q)).status, 200);
    await Promise.all([1, 2, 3].map(() => mes.get('/work-orders?priority=RUSH')));
    assert.equal((await sys.client('mes').get('/work-orders')).status, 401);
    // Through nginx, for its stub_status and the responses mtail counts from its access log.
    for (const [api, url] of Object.entries(infra.nginx))
      for (const path of ['/health/ready', '/no-such-route'])
        assert.ok((await fetch(`${url}${path}`)).status < 500, `${api}${path} through nginx`);
    // One quote priced (QuoteRequested as the shop sends it), so the pricing series have data.
    const f = pricingEngineFixtures();
    const file = await pricing.uploadModel(f.toBinaryStl(f.cube(20)), 'cube.stl');
    assert.equal((await pricing.outcome(await pricing.requestQuote({ file }))).type, TYPES.priced);

    // Scraped (the last request above is on the MES), and the rules evaluated over it.
    await waitFor(
      'Prometheus to scrape the traffic',
      async () =>
        (
          await prom.query(
            'fabflow_http_request_duration_seconds_count{service="mes-api",status_code="401"}',
          )
        ).length > 0 &&
        (await prom.query('up == 1')).length === TARGETS.length + infra.jobs.length &&
        (await prom.query('fabflow_nginx_responses_total')).length > 0,
      30_000,
      500,
    );
    // The GC histogram has no series until a process has collected garbage once, which a quiet
    // service that has only just started may not have done (CI once saw crm-api without any).
    // A running system always has; make each service allocate until Prometheus has seen it.
    await waitFor(
      'a garbage collection seen on every service',
      async () => {
        const seen = new Set(
          (
            (await prom.query('count by (service) (nodejs_gc_duration_seconds_count)')) as Array<{
              metric: { service: string };
            }>
          ).map((r) => r.metric.service),
        );
        const quiet = SERVICES.filter((s) => !seen.has(s));
        const ports = {
          'shop-api': sys.shop.port,
          'crm-api': sys.crm.port,
          'mes-api': sys.mes.port,
        };
        await Promise.all(
          quiet.flatMap((s) =>
            Array.from({ length: 20 }, () =>
              fetch(`http://127.0.0.1:${ports[s]}/docs/json`).then((r) => r.arrayBuffer()),
            ),
          ),
        );
        return quiet.length === 0;
      },
      60_000,
      500,
    );
    // A few more scrapes and evaluations, so every rate has samples after the traffic.
    await new Promise((r) => setTimeout(r, 5_000));
  });

  after(async () => {
    await prom?.stop();
    await infra?.stop();
    await pricing?.stop();
    await sys?.stop();
  });

  it('loads every rule group from deploy/prometheus/rules, each rule evaluating with health ok', async () => {
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml'));
    const inFiles = files
      .map((f) => readFileSync(join(RULES_DIR, f), 'utf8'))
      .join('\n')
      .match(/^\s+- (alert|record): /gm)!.length;
    const groups = await waitFor(
      'every rule evaluated',
      async () => {
        const res = await prom.api<{ groups: RuleGroup[] }>('rules');
        const rules = res.data.groups.flatMap((g) => g.rules);
        return rules.length === inFiles && rules.every((r) => r.health !== 'unknown')
          ? res.data.groups
          : undefined;
      },
      20_000,
      500,
    );
    assert.deepEqual(groups.map((g) => g.name).sort(), [
      'fabflow-b2b',
      'fabflow-business',
      'fabflow-http',
      'fabflow-http-recording',
      'fabflow-messaging',
      'fabflow-messaging-recording',
      'fabflow-nginx',
      'fabflow-nginx-recording',
      'fabflow-postgres',
      'fabflow-pricing',
      'fabflow-rabbitmq',
      'fabflow-redis',
      'fabflow-runtime',
      'fabflow-slo',
    ]);
    for (const r of groups.flatMap((g) => g.rules))
      assert.equal(r.health, 'ok', `${r.name}: ${r.lastError ?? ''}`);
  });

  it('every rule expression runs, and what it compares has data', async () => {
    const res = await prom.api<{ groups: RuleGroup[] }>('rules');
    const rules = res.data.groups.flatMap((g) => g.rules);
    assert.ok(rules.length > 0);
    const empty: string[] = [];
    for (const rule of rules) {
      await prom.query(rule.query);
      for (const probe of new Set(dataProbes(rule.query))) {
        if ((await prom.query(probe)).length === 0 && !ALLOWED_EMPTY.has(probe))
          empty.push(`${rule.name}: ${probe}`);
      }
      if (rule.type === 'recording' && !ALLOWED_EMPTY.has(rule.name)) {
        if ((await prom.query(rule.name)).length === 0) empty.push(`${rule.name} (recorded)`);
      }
    }
    assert.deepEqual(empty, [], 'expressions without data');
  });

  it('every dashboard query runs and has data, for each service', async () => {
    const files = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 5);
    const empty: string[] = [];
    let checked = 0;
    for (const file of files) {
      const d = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard;
      const exprs: Array<[string, string]> = d.panels
        .flatMap((p) => [p, ...(p.panels ?? [])])
        .flatMap((p) =>
          (p.targets ?? []).map((t): [string, string] => [
            `${d.uid} "${p.title ?? ''}" ${t.refId}`,
            t.expr ?? '',
          ]),
        );
      // A variable's label_values(metric, label) is what Grafana fills the drop-down from.
      for (const v of d.templating?.list ?? []) {
        const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.query?.query ?? '');
        if (m) exprs.push([`${d.uid} variable ${v.name}`, `group by (${m[2]}) (${m[1]})`]);
      }
      for (const [where, expr] of exprs) {
        const services = /\$\{?service\b/.test(expr) ? SERVICES : ['-'];
        for (const service of services) {
          const concrete = substitute(expr, service);
          checked++;
          for (const probe of dataProbes(concrete)) {
            if ((await prom.query(probe)).length === 0 && !ALLOWED_EMPTY.has(probe))
              empty.push(`${where} [${service}]: ${probe}`);
          }
        }
      }
    }
    assert.ok(checked > 40, `${checked} dashboard queries checked`);
    assert.deepEqual(empty, [], 'dashboard queries without data');
  });
});
