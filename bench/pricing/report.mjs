// The report: one object, printed as a table with the goals and written as JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { opts, outFile } from './cli-args.mjs';
import { goals } from './goals.mjs';
import { line, printColumns, printQuotes, printSize } from './table.mjs';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export function buildReport(started, machine, sizes, quotes) {
  return {
    benchmark: 'pricing',
    date: started.toISOString(),
    command: `node bench/pricing.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    config: opts,
    machine: { ...machine, loadavgAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    goals: goals(sizes),
    sizes,
    quotes,
  };
}

function printHeader({ date, command, machine, config }) {
  console.log();
  console.log(`Fabflow pricing-engine benchmark — ${date}`);
  console.log(`command: ${command}`);
  console.log(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB (${machine.freeMemoryGiBAtStart} free), ${machine.os}; load avg at start ${machine.loadavgAtStart.join(' ')}, at end ${machine.loadavgAtEnd.join(' ')}`,
  );
  console.log(
    `node ${machine.node}; engine ${machine.engineVersion}; three ${machine.three}; node-stl ${machine.nodeStl}`,
  );
  console.log(
    `config: ${config.reps} child process(es) per system and size, up to ${config.warmup} warm-up run(s) on a 100k-triangle torus in each (4 s at most); one run timed per child${config.cpuProf ? '; ours under --cpu-prof (slower)' : ''}`,
  );
  console.log();
}

function printGoals(report) {
  const noisy = Object.values(report.sizes).some((s) =>
    Object.values(s.systems).some((f) => f.cpu.otherPct > 25),
  );
  if (noisy)
    console.log(
      'WARNING: other processes used > 25 % of a core during some runs (see "other load"): timings are pessimistic and noisy.',
    );
  console.log('GOALS (printed figures, not assertions)');
  for (const g of report.goals)
    console.log(
      `  [${g.verdict}] ${g.goal}: ${g.value === null ? 'not measured' : `${g.value}x`}  (${g.detail})`,
    );
  console.log();
}

export function printReport(report) {
  printHeader(report);
  printColumns(report.config.only);
  for (const [label, figures] of Object.entries(report.sizes))
    printSize(label, figures, report.config.only);
  for (const [label, q] of Object.entries(report.quotes)) printQuotes(label, q);
  line();
  printGoals(report);
}

/** Writes the report as JSON to --out or bench/results/pricing-<date>.json. */
export async function writeReport(report) {
  const stamp = report.date.replace(/[:]/g, '-').replace(/\..*$/, '');
  const file = outFile ?? join(RESULTS_DIR, `pricing-${stamp}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), file)}`);
}
