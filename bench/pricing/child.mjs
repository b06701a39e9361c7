// One measurement in its own process (started by run.mjs with --expose-gc): warm the code up
// on a small torus, read the file, then time one run and measure its memory. Prints one JSON
// line on stdout.
//
//   node --expose-gc bench/pricing/child.mjs '{"system":"ours","file":"…","warmup":3}'
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startCpu } from './cpu.mjs';
import { quoteJob } from './firm.mjs';
import { loadSystem } from './systems.mjs';
import { torusGrid, torusStl } from './torus.mjs';

const WARMUP_TRIANGLES = 20_000;
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with --expose-gc');

const job = JSON.parse(process.argv[2]);

/** Heap in use plus memory outside it (typed-array stores, the file's Buffer). */
function heapBytes() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

async function measure() {
  const system = await loadSystem(job.system);
  const small = torusStl(torusGrid(WARMUP_TRIANGLES)).bytes;
  for (let i = 0; i < job.warmup; i++) system.run(system.prepare(small));

  const bytes = readFileSync(job.file);
  const input = system.prepare(bytes);
  const before = heapBytes();
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const cpu = startCpu();
  const t0 = performance.now();
  const out = system.run(input);
  const ms = performance.now() - t0;
  const cpuUse = cpu();
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  const after = heapBytes();
  return {
    ms,
    cpu: cpuUse,
    stagesMs: out.stagesMs,
    result: system.summary(out.keep),
    memory: {
      // Peak of the run over the resident set just before it (the file already loaded).
      peakRssGrowth: maxRssAfter - before.rss,
      // The run did not raise the process's earlier peak, so the growth is a lower bound.
      peakBelowEarlierPeak: maxRssAfter <= maxRssBefore,
      retained: after.heapUsed + after.external - (before.heapUsed + before.external),
      before,
      after,
    },
  };
}

const result = job.system === 'quote' ? await quoteJob(job) : await measure();
process.stdout.write(`${JSON.stringify({ pid: process.pid, ...result })}\n`);
