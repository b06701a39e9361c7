// The report: printed as a side-by-side table with PASS/MISS per goal, and written as JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { opts, outFile } from './cli-args.mjs';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const GOALS = { hitP95Ms: 5, missP95Ms: 30, deepSpeedup: 20, visibleMs: 1000 };
const LISTS = ['default view', 'filtered view', 'deep page'];

const ms = (v) =>
  v === null || v === undefined
    ? '—'
    : v < 10
      ? v.toFixed(2)
      : v < 100
        ? v.toFixed(1)
        : v.toFixed(0);
const trio = (s) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`;
const speedup = (r) => r.baselineMs.p50 / r.missMs.p50;

export function goals(results) {
  const out = [];
  const check = (goal, value, ok, detail) =>
    out.push({ goal, value, verdict: ok ? 'PASS' : 'MISS', detail });
  for (const v of LISTS) {
    const r = results.views[v];
    check(
      `${v}: cache hit p95 < ${GOALS.hitP95Ms} ms`,
      r.hitMs.p95,
      r.hitMs.p95 < GOALS.hitP95Ms,
      'HTTP, client side',
    );
    check(
      `${v}: cache miss p95 < ${GOALS.missP95Ms} ms`,
      r.missMs.p95,
      r.missMs.p95 < GOALS.missP95Ms,
      'HTTP, client side',
    );
  }
  const deep = results.views['deep page'];
  check(
    `deep page ≥ ${GOALS.deepSpeedup}× faster than the baseline`,
    Math.round(speedup(deep)),
    speedup(deep) >= GOALS.deepSpeedup,
    'baseline p50 (SQL only) / ours cache-miss p50 (HTTP)',
  );
  if (results.live)
    check(
      `a change visible in another instance's list within ${GOALS.visibleMs} ms`,
      results.live.visibleMs.max,
      results.live.visibleMs.max < GOALS.visibleMs,
      'slowest of the changes: write through A → SSE event on B → B’s list shows it',
    );
  return out;
}

export function buildReport(started, machine, results, extra) {
  const report = {
    benchmark: 'dashboard',
    date: started.toISOString(),
    command: `node bench/dashboard.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    config: opts,
    machine: {
      ...machine,
      loadavgAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
      ...extra,
    },
    results,
    goals: goals(results),
  };
  return report;
}

export function printReport(r) {
  const m = r.machine;
  console.log(`\nFabflow dashboard benchmark — ${r.date}`);
  console.log(`command: ${r.command}`);
  console.log(
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB; node ${m.node}; PostgreSQL ${m.postgres.version} (shared_buffers ${m.postgres.shared_buffers})`,
  );
  console.log(
    `load avg at start ${m.loadavgAtStart.join(' ')}, at end ${m.loadavgAtEnd.join(' ')}; all CPUs ${m.cpuBusyPercent} % busy while measuring (everyone's processes)`,
  );
  const db = r.results.database;
  console.log(
    `data: ${db.rows.toLocaleString('en')} work orders${db.seedSeconds ? `, seeded in ${db.seedSeconds.toFixed(1)} s` : ' (reused)'}; page size ${r.config.limit}\n`,
  );
  const cols = [
    'view',
    'ours: cache hit (HTTP)',
    'ours: cache miss (HTTP)',
    'ours: SQL only',
    'naive baseline (SQL)',
    'miss vs naive',
  ];
  const rows = Object.entries(r.results.views).map(([name, v]) => [
    name,
    trio(v.hitMs),
    trio(v.missMs),
    trio(v.sqlMs),
    trio(v.baselineMs),
    `${Math.round(speedup(v))}×`,
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log('p50 / p95 / p99 in ms');
  console.log(line(cols));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  for (const [name, v] of Object.entries(r.results.views))
    console.log(`  ${name}: ${v.what} — ${v.path}`);
  const live = r.results.live;
  if (live)
    console.log(
      `\nlive (${live.changes} changes through instance A): SSE event on B ${trio(live.eventMs)} ms (max ${ms(live.eventMs.max)}); visible in B's list ${trio(live.visibleMs)} ms (max ${ms(live.visibleMs.max)})`,
    );
  console.log('\ngoals:');
  for (const g of r.goals)
    console.log(`  ${g.verdict.padEnd(4)} ${g.goal}: ${g.value} (${g.detail})`);
}

export async function writeReport(r) {
  const file = outFile ?? join(RESULTS_DIR, `dashboard-${r.date.replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
  console.log(`\nresults: ${relative(process.cwd(), file)}`);
}
