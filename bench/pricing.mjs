// Pricing-engine benchmark: parse + analyse throughput (triangles/s) of binary STL meshes of
// 0.5M, 2M and 5M triangles, ours (analyseModel) side by side with two baselines in the same
// run: three.js's STLLoader plus a volume loop, and node-stl. Each measurement runs in its own
// child process so its memory can be measured; memory per triangle and the volume error
// against the exact value are reported beside the speed. Then the FIRM and INDICATIVE quote
// time of one mesh. Prints a table and PASS/MISS for the 3× goal (figures, never assertions)
// and writes the same as JSON to bench/results/.
//
//   node tools/build.mjs && node bench/pricing.mjs [--sizes 0.5,2,5] [--reps N]
//
// See bench/README.md for what each figure means, and pricing/ for the parts.
import { opts, tmpDirOption } from './pricing/cli-args.mjs'; // first: --help before anything loads
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineFacts } from './pricing/machine.mjs';
import { buildReport, printReport, writeReport } from './pricing/report.mjs';
import { runQuotes, runSize } from './pricing/run.mjs';
import { quoteFigures, sizeFigures } from './pricing/summary.mjs';
import { writeCylinder } from './pricing/cylinder.mjs';
import { writeTorus } from './pricing/torus.mjs';

const tmpDir = tmpDirOption
  ? (mkdirSync(tmpDirOption, { recursive: true }),
    mkdtempSync(join(tmpDirOption, 'fabflow-pricing-')))
  : mkdtempSync(join(os.tmpdir(), 'fabflow-pricing-'));
const cleanup = () => rmSync(tmpDir, { recursive: true, force: true });
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });

const meshes = new Map();
function mesh(size) {
  if (!meshes.has(size)) {
    const t0 = performance.now();
    const m = writeTorus(join(tmpDir, `torus-${size}M.stl`), Math.round(size * 1e6));
    console.error(
      `${size}M: wrote ${m.triangles} triangles in ${Math.round(performance.now() - t0)} ms`,
    );
    meshes.set(size, m);
  }
  return meshes.get(size);
}

async function main() {
  const started = new Date();
  const machine = machineFacts();
  const sizes = {};
  for (const size of opts.sizes) {
    const m = mesh(size);
    // Keys like "0.5M" keep the order of --sizes (integer-like keys would sort first).
    sizes[`${size}M`] = sizeFigures(m, await runSize(m, size));
    if (size !== opts.firmSize) {
      rmSync(m.file, { force: true });
      meshes.delete(size);
    }
  }
  const quotes = {};
  const quote = async (label, m) => {
    quotes[label] = quoteFigures(m, await runQuotes(m, label));
    if (opts.engineBefore)
      quotes[`${label} (before)`] = quoteFigures(m, await runQuotes(m, label, opts.engineBefore));
  };
  if (opts.firmSize > 0) await quote(`${opts.firmSize}M`, mesh(opts.firmSize));
  if (opts.cylinderSize > 0) {
    const t0 = performance.now();
    const c = writeCylinder(join(tmpDir, 'cylinder.stl'), Math.round(opts.cylinderSize * 1e6));
    console.error(
      `cylinder: wrote ${c.triangles} triangles in ${Math.round(performance.now() - t0)} ms`,
    );
    await quote(`cylinder ${opts.cylinderSize}M`, c);
  }
  const report = buildReport(started, machine, sizes, quotes);
  printReport(report);
  await writeReport(report);
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  cleanup();
}
