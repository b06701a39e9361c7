// Clock and statistics: percentiles, per-event deltas, steady-window rates, rounding for JSON.
import { performance } from 'node:perf_hooks';
import { percentiles } from '../common/stats.mjs';

/** Milliseconds on one monotonic clock (sub-ms); everything runs in this one process. */
export const now = () => performance.now();

/** One Float64Array of n timestamps per name (0 = not reached). */
export const timeArrays = (n, ...names) =>
  Object.fromEntries(names.map((name) => [name, new Float64Array(n)]));

/** end[i] - start[i] for every event that has both. */
export function deltas(start, end) {
  const out = [];
  for (let i = 0; i < start.length; i++)
    if (start[i] > 0 && end[i] > 0) out.push(Math.max(0, end[i] - start[i]));
  return out;
}

/** Completions per second over the steady window: the middle 80 % of completions by time. */
export function steadyRate(doneTimes) {
  const t = Float64Array.from(doneTimes.filter((v) => v > 0)).sort();
  if (t.length < 10) return NaN;
  const lo = Math.floor(t.length * 0.1);
  const hi = Math.floor(t.length * 0.9) - 1;
  return ((hi - lo) / (t[hi] - t[lo])) * 1000;
}

export const round = (v, d = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null);
export const roundStats = (s) =>
  s && Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : round(v, 3)]));

/** Rounded percentiles of some values, as the JSON holds them. */
export const summary = (values) => roundStats(percentiles(values));
/** Rounded percentiles of end[i] - start[i]. */
export const latency = (start, end) => summary(deltas(start, end));
/** Steady-window rate of some completion times, rounded. */
export const perSec = (doneTimes) => round(steadyRate(Array.from(doneTimes)), 1);
