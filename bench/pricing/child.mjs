// One measurement in its own process (started by run.mjs with --expose-gc): read the file,
// then either warm the code up on a small torus and time one run (`time`), or measure one
// cold run's memory from a clean baseline (`memory`). Prints one JSON line on stdout.
//
//   node --expose-gc bench/pricing/child.mjs '{"system":"ours","file":"…","warmup":3}'
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startCpu } from './cpu.mjs';
import { quoteJob } from './firm.mjs';
import { loadSystem } from './systems.mjs';
import { torusGrid, torusStl } from './torus.mjs';

/** The warm-up mesh, and a cap on warm-up time (node-stl takes ~0.5 s per run of it). */
const WARMUP_TRIANGLES = 100_000;
const WARMUP_MAX_MS = 4000;
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

/**
 * Runs the system on the small mesh until warm or out of time. A function of its own, so no
 * stale interpreter register keeps the small mesh alive.
 */
function warmUp(system) {
  const small = system.prepare(torusStl(torusGrid(WARMUP_TRIANGLES)).bytes);
  const start = performance.now();
  let runs = 0;
  while (runs < job.warmup && performance.now() - start < WARMUP_MAX_MS) {
    system.run(small);
    runs++;
  }
  return runs;
}

/**
 * `time` jobs warm up, then time one run: no forced GC in between, as that discards
 * optimised code (the next run was 3-4x slower). `memory` jobs skip the warm-up, whose
 * garbage would otherwise be memory the run reuses (and its peak would hide the run's), and
 * measure one run from a clean baseline; their time is a first run, JIT included.
 */
async function measure() {
  const system = await loadSystem(job.system, job.engineDir);
  const bytes = readFileSync(job.file);
  const input = system.prepare(bytes);
  const memory = job.mode === 'memory';
  const before = memory ? heapBytes() : undefined;
  const warmupRuns = memory ? 0 : warmUp(system);
  const rssBefore = process.memoryUsage().rss;
  const maxRssBefore = process.resourceUsage().maxRSS * 1024;
  const cpu = startCpu();
  const t0 = performance.now();
  const out = system.run(input);
  const ms = performance.now() - t0;
  const cpuUse = cpu();
  const maxRssAfter = process.resourceUsage().maxRSS * 1024;
  const result = {
    mode: job.mode,
    ms,
    cpu: cpuUse,
    warmupRuns,
    stagesMs: out.stagesMs,
    result: system.summary(out.keep),
  };
  if (memory) {
    const after = heapBytes();
    result.memory = {
      // Peak of the run over the resident set just before it (the file already loaded).
      peakRssGrowth: maxRssAfter - rssBefore,
      // The run did not raise the process's earlier peak: the figure is an upper bound.
      peakBelowEarlierPeak: maxRssAfter <= maxRssBefore,
      // The result still referenced (`out` is used below), after two forced GCs.
      retained: after.heapUsed + after.external - (before.heapUsed + before.external),
      before: { ...before, rss: rssBefore },
      after,
    };
  }
  // Uses `out` after the GCs, so the result is live while they run.
  result.keptAlive = out.keep !== undefined;
  return result;
}

const result = job.system === 'quote' ? await quoteJob(job) : await measure();
process.stdout.write(`${JSON.stringify({ pid: process.pid, ...result })}\n`);
