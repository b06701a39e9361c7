// Percentiles of a sample (nearest rank), shared by the benchmarks.

/** n, p50, p90, p99, max and mean of `values` (NaN for an empty sample). */
export function percentiles(values) {
  const a = Float64Array.from(values).sort();
  const n = a.length;
  const at = (p) => (n === 0 ? NaN : a[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]);
  let sum = 0;
  for (const v of a) sum += v;
  return {
    n,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: n ? a[n - 1] : NaN,
    mean: n ? sum / n : NaN,
  };
}
