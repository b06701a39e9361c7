// Messaging benchmark: events per second and commit-to-effect latency through the real
// outbox → relay → quorum queue → inbox pipeline, side by side with two raw ceilings measured
// in the same run on the same machine (amqplib confirm-publish + ack; Postgres executing the
// same order + outbox transaction). Prints a table and PASS/MISS per goal (figures, never
// assertions) and writes the same as JSON to bench/results/.
//
//   node tools/build.mjs && node bench/messaging.mjs [--events N] [--rate R] [--producers P]
//
// See bench/README.md for what each figure means, and messaging/ for the parts.
import './messaging/cli-args.mjs'; // first: --help and option errors before anything loads
import { cleanup, trapSignals, wasInterrupted } from './common/cleanup.mjs';
import { cpuScope, findBrokerPid } from './messaging/cpu.mjs';
import { machineFacts } from './messaging/machine.mjs';
import { buildReport, printReport, writeReport } from './messaging/report.mjs';
import { setupEnvironment } from './messaging/setup.mjs';
import { runSystems } from './messaging/systems.mjs';

async function main() {
  const started = new Date();
  console.error('setting up databases and vhost…');
  const env = await setupEnvironment();
  cpuScope.databases = new Set([env.shopPg.name, env.crmPg.name]);
  cpuScope.brokerPid = findBrokerPid(Number(new URL(env.amqpUrl).port || 5672));
  const machine = await machineFacts(env);
  const results = await runSystems(env);
  const report = buildReport(started, machine, results);
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
