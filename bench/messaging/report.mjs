// The report: one object, printed as a table with the goals and written as JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { opts, outFile } from './cli-args.mjs';
import { fmtN } from './format.mjs';
import { goals } from './goals.mjs';
import { line, printColumns, printMode, printStages } from './table.mjs';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export function buildReport(started, machine, results) {
  const report = {
    benchmark: 'messaging',
    date: started.toISOString(),
    command: `node bench/messaging.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    config: { ...opts, only: [...opts.only] },
    machine,
    goals: undefined,
    results,
  };
  report.goals = goals(results);
  return report;
}

function printHeader({ date, command, machine, config }) {
  console.log();
  console.log(`Fabflow messaging benchmark — ${date}`);
  console.log(`command: ${command}`);
  console.log(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}; load avg at start ${machine.loadavgAtStart.join(' ')}`,
  );
  const pgs = machine.postgres;
  console.log(
    `node ${machine.node}; RabbitMQ ${machine.rabbitmq}; PostgreSQL ${pgs.version} via ${pgs.transport} (fsync ${pgs.fsync}, synchronous_commit ${pgs.synchronous_commit}, wal_sync_method ${pgs.wal_sync_method}, shared_buffers ${pgs.shared_buffers})`,
  );
  if (pgs.otherClientBackends > 0)
    console.log(
      `note: ${pgs.otherClientBackends} other client connection(s) on the Postgres server at start`,
    );
  console.log(
    `config: ${config.events} events per mode, ${config.producers} producers, paced ${config.rate}/s; ours: relay batch ${config.batchSize}, ${config.relays} relay(s), poll ${config.pollMs} ms, prefetch ${config.prefetch}, pg pool ${config.pool} per service`,
  );
  console.log();
}

function printGoals(report) {
  const noisy = Object.values(report.results)
    .flatMap((m) => Object.values(m))
    .some((r) => r.cpu?.other > 25);
  if (noisy)
    console.log(
      'WARNING: other processes used > 25 % of a core during some phases (see "other"): figures are pessimistic.',
    );
  console.log('GOALS (printed figures, not assertions)');
  for (const g of report.goals)
    console.log(
      `  [${g.verdict}] ${g.goal}: ${g.value === undefined || g.value === null ? 'not measured' : fmtN(g.value, 1)}  (${g.detail})`,
    );
  console.log();
}

export function printReport(report) {
  const { config, results } = report;
  printHeader(report);
  printColumns();
  for (const mode of config.modes) {
    const o = results.ours?.[mode];
    const a = results.amqp?.[mode];
    const b = results.pg?.[mode];
    if (o || a || b) printMode(mode, config, o, a, b);
  }
  if (results.stages) printStages(results.stages);
  line();
  printGoals(report);
}

/** Writes the report as JSON to --out or bench/results/messaging-<date>.json. */
export async function writeReport(report) {
  const stamp = report.date.replace(/[:]/g, '-').replace(/\..*$/, '');
  const file = outFile ?? join(RESULTS_DIR, `messaging-${stamp}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), file)}`);
}
