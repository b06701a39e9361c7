import { isOnStraightRun } from './straight-run.util.js';

/**
 * Time to cover `length` starting at `v0` and ending at `v1` with a trapezoidal speed profile
 * (accelerate, cruise at `vmax`, decelerate). When the move is too short to cruise, the peak
 * speed is lowered; when even the ramp from v0 to v1 does not fit, it is a pure ramp.
 */
export function trapezoidSeconds(
  length: number,
  v0: number,
  v1: number,
  vmax: number,
  accel: number,
): number {
  if (length <= 0) return 0;
  const start = Math.min(v0, vmax);
  const end = Math.min(v1, vmax);
  const accelDistance = (vmax * vmax - start * start) / (2 * accel);
  const decelDistance = (vmax * vmax - end * end) / (2 * accel);
  if (accelDistance + decelDistance <= length) {
    return (
      (vmax - start) / accel +
      (vmax - end) / accel +
      (length - accelDistance - decelDistance) / vmax
    );
  }
  const peak = Math.sqrt(accel * length + (start * start + end * end) / 2);
  if (peak >= Math.max(start, end)) return (peak - start) / accel + (peak - end) / accel;
  const reachable =
    start < end
      ? Math.sqrt(start * start + 2 * accel * length)
      : Math.sqrt(Math.max(0, start * start - 2 * accel * length));
  return (2 * length) / (start + reachable);
}

/**
 * Indices of the points of a polyline that are corners: a point on a straight run between its
 * neighbours (see {@link isOnStraightRun}) is not one, nor a place where the head slows down.
 * The ends of an open polyline are always kept.
 */
function cornerIndices(points: Float64Array, closed: boolean): Uint32Array {
  const n = points.length / 2;
  const kept = new Uint32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const inner = closed ? n >= 3 : i > 0 && i < n - 1;
    if (inner) {
      const a = (i + n - 1) % n;
      const b = (i + 1) % n;
      const straight = isOnStraightRun(
        points[a * 2]!,
        points[a * 2 + 1]!,
        points[i * 2]!,
        points[i * 2 + 1]!,
        points[b * 2]!,
        points[b * 2 + 1]!,
      );
      if (straight) continue;
    }
    kept[count++] = i;
  }
  return kept.subarray(0, count);
}

/**
 * Time to trace a polyline (interleaved x, y) whose corners slow the head down: the speed
 * through a corner is `vmax × (1 + cos θ) / 2` (full speed straight on, half at 90°, stop on
 * a reversal), a simple stand-in for firmware junction deviation. Points on straight runs are
 * not corners: the moves on either side are one move, as a slicer would write it.
 */
export function polylineSeconds(
  points: Float64Array,
  closed: boolean,
  vmax: number,
  accel: number,
): number {
  const corners = cornerIndices(points, closed);
  const n = corners.length;
  const segmentCount = closed ? n : n - 1;
  if (segmentCount < 1) return 0;
  const lengths = new Float64Array(segmentCount);
  const dx = new Float64Array(segmentCount);
  const dy = new Float64Array(segmentCount);
  let m = 0;
  for (let i = 0; i < segmentCount; i++) {
    const from = corners[i]! * 2;
    const to = corners[(i + 1) % n]! * 2;
    const x = points[to]! - points[from]!;
    const y = points[to + 1]! - points[from + 1]!;
    const length = Math.hypot(x, y);
    if (length < 1e-9) continue;
    lengths[m] = length;
    dx[m] = x / length;
    dy[m++] = y / length;
  }
  if (m === 0) return 0;
  const junction = (a: number, b: number): number =>
    (vmax * (1 + dx[a]! * dx[b]! + dy[a]! * dy[b]!)) / 2;
  let seconds = 0;
  for (let i = 0; i < m; i++) {
    const entry = i > 0 ? junction(i - 1, i) : closed && m > 1 ? junction(m - 1, 0) : 0;
    const exit = i < m - 1 ? junction(i, i + 1) : closed && m > 1 ? junction(m - 1, 0) : 0;
    seconds += trapezoidSeconds(lengths[i]!, entry, exit, vmax, accel);
  }
  return seconds;
}
