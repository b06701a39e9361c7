// Medians, minima and rounding for the report.

export function median(values) {
  const a = values.filter(Number.isFinite).sort((x, y) => x - y);
  if (a.length === 0) return NaN;
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
}

export const min = (values) => {
  const a = values.filter(Number.isFinite);
  return a.length ? Math.min(...a) : NaN;
};

export const max = (values) => {
  const a = values.filter(Number.isFinite);
  return a.length ? Math.max(...a) : NaN;
};

export const round = (v, d = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null);

/** Rounds to `s` significant digits (for relative errors). */
export const sig = (v, s = 2) => (Number.isFinite(v) ? Number(v.toPrecision(s)) : null);

/** Median and minimum of some milliseconds, rounded. */
export const msStats = (values) => ({
  median: round(median(values), 1),
  min: round(min(values), 1),
});
