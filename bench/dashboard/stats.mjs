// Clock and percentiles.
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

export function percentiles(values) {
  const a = Float64Array.from(values).sort();
  const n = a.length;
  const at = (p) => (n === 0 ? NaN : a[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]);
  let sum = 0;
  for (const v of a) sum += v;
  const r = (v) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);
  return {
    n,
    p50: r(at(50)),
    p95: r(at(95)),
    p99: r(at(99)),
    max: r(n ? a[n - 1] : NaN),
    mean: r(n ? sum / n : NaN),
  };
}

/** Runs `fn` `n` times one after the other; its durations in ms. */
export async function timed(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await fn(i);
    out.push(now() - t0);
  }
  return out;
}
