// Hostile 3MF files against the pricing engine: wall time of analyseModel (the worker's first
// step) per file and per MB of input, with the work counters that the unit tests assert. The
// refused fixtures show how fast a bomb is refused; the "worst within the limits" files show
// the most a file may cost per MB, which is the bound docs/benchmarks.md states. In-process,
// each case warmed up once, then the median of --reps runs. Figures, never assertions.
//
//   node tools/build.mjs && node bench/pricing-hostile.mjs [--sizes 0.25,1,4] [--reps 3]
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { intOption } from './common/cli.mjs';
import { REFUSED, WORST } from './pricing/hostile-cases.mjs';
import { engine, engineInternal } from './pricing/libs.mjs';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '0.25,1,4' },
    reps: { type: 'string', default: '3' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: node bench/pricing-hostile.mjs [--sizes MB,MB,…] [--reps N]');
  process.exit(0);
}
const sizes = args.sizes.split(',').map(Number);
const reps = intOption(args, 'reps', 1);
const { parse3mf } = engineInternal('three-mf-parser.js');
const { resolveParseLimits } = engineInternal('limits.js');
const { newParseWork } = engineInternal('parse-work.js');
const MB = 1024 * 1024;

function outcome(bytes) {
  try {
    const { report } = engine.analyseModel(bytes);
    return `priced input: ${report.inputTriangles.toLocaleString('en')} triangles`;
  } catch (err) {
    return `${err.code ?? err.name}${err.details?.limit ? ` (${err.details.limit})` : ''}`;
  }
}

function measure(name, bytes) {
  const result = outcome(bytes); // warm-up, and what happens
  const ms = [];
  const cpu = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    outcome(bytes);
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const work = newParseWork();
  try {
    parse3mf(bytes, resolveParseLimits(), work);
  } catch {
    // the counters stand where the refusal left them
  }
  const median = ms[Math.floor(ms.length / 2)];
  const cpuMs = cpu[Math.floor(cpu.length / 2)];
  const mb = bytes.length / MB;
  const row = {
    name,
    bytes: bytes.length,
    result,
    medianMs: median,
    msPerMB: median / mb,
    cpuMs,
    cpuMsPerMB: cpuMs / mb,
    work,
  };
  console.log(
    `${name.padEnd(52)} ${mb.toFixed(3).padStart(7)} MB ${median.toFixed(1).padStart(8)} ms ${row.msPerMB.toFixed(0).padStart(6)} ms/MB  CPU ${cpuMs.toFixed(0).padStart(5)} ms ${row.cpuMsPerMB.toFixed(0).padStart(6)} ms/MB  ${result}; inflated ${(work.bytesInflated / MB).toFixed(1)} MB, objects ${work.objectsBounded}, components ${work.componentsFollowed}, placed ${work.placementsVisited}`,
  );
  return row;
}

const started = new Date();
console.log(
  `pricing-engine hostile files — ${started.toISOString()}; node ${process.version}; engine ${engine.ENGINE_VERSION}; ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}; load avg ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
console.log('\nREFUSED (the fixtures of the engine tests)');
const refused = Object.entries(REFUSED).map(([name, make]) => measure(name, make()));
console.log('\nWORST WITHIN THE LIMITS (per MB of input)');
const worst = [];
for (const mb of sizes)
  for (const [name, make] of Object.entries(WORST))
    worst.push(measure(`${name}, ${mb} MB`, make(mb)));
const large = worst.filter((r) => r.bytes >= MB / 2);
const bound = Math.max(...large.map((r) => r.msPerMB));
const cpuBound = Math.max(...large.map((r) => r.cpuMsPerMB));
const load = os
  .loadavg()
  .map((v) => v.toFixed(2))
  .join(' ');
console.log(
  `\nlargest cost per MB among files of 0.5 MB and more: ${bound.toFixed(0)} ms/MB wall, ${cpuBound.toFixed(0)} ms/MB CPU; load avg at end ${load}`,
);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
const file = join(
  dir,
  `pricing-hostile-${started.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '')}.json`,
);
await writeFile(
  file,
  `${JSON.stringify({ benchmark: 'pricing-hostile', date: started.toISOString(), sizes, reps, loadavg: os.loadavg(), refused, worst, boundMsPerMB: bound, boundCpuMsPerMB: cpuBound }, null, 2)}\n`,
);
console.log(`results: ${file}`);
