// Dashboard benchmark: the MES work queue at a million work orders, through the real HTTP API
// of two real mes-api processes (cache hits and misses), our statement alone, and a naive
// baseline (OFFSET pagination + one detail query per row on a copy without the supporting
// indexes), side by side in one run; then how fast a change reaches another instance's list.
// Prints a table and PASS/MISS per goal (figures, never assertions), writes JSON to
// bench/results/.
//
//   node tools/build.mjs && node bench/dashboard.mjs [--count N] [--reuse DB --keep]
//
// See bench/README.md for what each figure means, and dashboard/ for the parts.
import './dashboard/cli-args.mjs'; // first: --help and option errors before anything loads
import { cleanup, trapSignals, wasInterrupted } from './common/cleanup.mjs';
import { measureLive } from './dashboard/live.mjs';
import { cpuMeter, machineFacts } from './dashboard/machine.mjs';
import { measureViews } from './dashboard/measure.mjs';
import { buildReport, printReport, writeReport } from './dashboard/report.mjs';
import { setupEnvironment } from './dashboard/setup.mjs';
import { views } from './dashboard/views.mjs';

async function main() {
  const started = new Date();
  const env = await setupEnvironment();
  const machine = await machineFacts(env.pool);
  const busy = cpuMeter();
  const measured = await measureViews(env, await views(env.pool));
  const live = await measureLive(env);
  const results = {
    database: { rows: env.database.rows, seedSeconds: env.database.seedSeconds },
    views: measured,
    live,
  };
  const report = buildReport(started, machine, results, { cpuBusyPercent: busy() });
  printReport(report);
  await writeReport(report);
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
