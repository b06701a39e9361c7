// The quote timing (a child job): priceModel on an analysis, FIRM and INDICATIVE, with the
// engine's sample price list and machines.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startCpu } from './cpu.mjs';
import { engine as ours, engineTesting, loadEngineFrom } from './libs.mjs';
import { torusGrid, torusStl } from './torus.mjs';

/** The quote request: 10 parts in PLA on the FDM machine, standard lead time. */
const request = (mode) => ({
  materialId: 'pla-black',
  quantity: 10,
  leadTime: 'STANDARD',
  mode,
  machines: engineTesting.sampleMachines(),
  priceList: engineTesting.samplePriceList(),
});

/** Each stage's time: from the end of the previous stage to its own last progress report. */
function stageSplit(t0, marks) {
  const ends = new Map();
  for (const [stage, t] of marks) ends.set(stage, t);
  const out = {};
  let from = t0;
  for (const [stage, end] of ends) {
    out[stage] = end - from;
    from = end;
  }
  return out;
}

function timeQuote(engine, analysis, mode) {
  const marks = [];
  const onProgress = (stage) => marks.push([stage, performance.now()]);
  const cpu = startCpu();
  const t0 = performance.now();
  const quote = engine.priceModel(analysis, request(mode), onProgress);
  const ms = performance.now() - t0;
  return {
    ms,
    cpu: cpu(),
    stagesMs: stageSplit(t0, marks),
    totalCents: quote.cost.total,
    partSeconds: quote.printTime.partSeconds,
    layers: quote.printTime.layerCount,
    review: quote.review.reasons.map((r) => r.code),
  };
}

/**
 * Warm-up on a small torus, analyse the file, then time each mode in `job.order`, with this
 * build's engine or the one in `job.engineDir`.
 */
export function quoteJob(job) {
  const engine = job.engineDir ? loadEngineFrom(job.engineDir) : ours;
  const small = engine.analyseModel(torusStl(torusGrid(50_000)).bytes, { unit: 'mm' });
  for (let i = 0; i < job.warmup; i++)
    for (const mode of job.order) engine.priceModel(small, request(mode));
  const bytes = readFileSync(job.file);
  const t0 = performance.now();
  const analysis = engine.analyseModel(bytes, { unit: 'mm' });
  const analyseMs = performance.now() - t0;
  const modes = {};
  for (const mode of job.order) modes[mode] = timeQuote(engine, analysis, mode);
  return { analyseMs, modes };
}
