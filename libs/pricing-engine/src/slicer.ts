import { ensureFloat64 } from './growable.util.js';
import type { IndexedMesh } from './types.js';

/** One contour of a layer: interleaved x, y in mm; `closed` when the chain came back on itself. */
export interface SliceLoop {
  points: Float64Array;
  closed: boolean;
}

/** A layer's contours, handed to {@link SliceOptions.onLayer} and then discarded. */
export interface SlicedLayer {
  index: number;
  layerCount: number;
  z: number;
  loops: SliceLoop[];
  perimeterMm: number;
  /** Net cross-section area (outer contours minus holes). */
  areaMm2: number;
}

/** Slicing parameters. */
export interface SliceOptions {
  layerHeightMm: number;
  onLayer?: (layer: SlicedLayer) => void;
  onProgress?: (fraction: number) => void;
}

/** Per-layer contour length and area plus totals, plain numbers only. */
export interface SliceSummary {
  layerCount: number;
  layerHeightMm: number;
  zMinMm: number;
  zMaxMm: number;
  layerPerimeterMm: number[];
  layerAreaMm2: number[];
  totalPerimeterMm: number;
  segmentCount: number;
  loopCount: number;
  /** Chains that did not close: holes or self-intersections in the mesh. */
  openLoopCount: number;
}

/**
 * Slices a welded mesh with planes at mid-layer heights. Triangles are bucketed by their first
 * layer and kept in an active list while they span the plane, so each layer only touches the
 * triangles crossing it. A vertex exactly on a plane counts as above it, which keeps shared
 * edges consistent. Segments are oriented from the winding (material on the left, outer
 * contours counter-clockwise) and chained into loops by the mesh edge they cross, so no
 * floating-point point matching is needed.
 */
export function sliceMesh(mesh: IndexedMesh, options: SliceOptions): SliceSummary {
  const p = mesh.positions;
  const idx = mesh.indices;
  const faceCount = idx.length / 3;
  const vertexCount = p.length / 3;
  const lh = options.layerHeightMm;
  let zMin = Infinity;
  let zMax = -Infinity;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < p.length; i += 3) {
    const z = p[i + 2]!;
    if (z < zMin) zMin = z;
    if (z > zMax) zMax = z;
    cx += p[i]!;
    cy += p[i + 1]!;
  }
  cx /= Math.max(1, vertexCount);
  cy /= Math.max(1, vertexCount);
  const height = zMax - zMin;
  const layerCount = height > 0 ? Math.max(1, Math.ceil(height / lh - 1e-9)) : 0;
  const summary: SliceSummary = {
    layerCount,
    layerHeightMm: lh,
    zMinMm: layerCount > 0 ? zMin : 0,
    zMaxMm: layerCount > 0 ? zMax : 0,
    layerPerimeterMm: [],
    layerAreaMm2: [],
    totalPerimeterMm: 0,
    segmentCount: 0,
    loopCount: 0,
    openLoopCount: 0,
  };
  if (layerCount === 0) return summary;

  // Bucket faces by first candidate layer (widened by one layer each way against rounding).
  const lastLayer = new Int32Array(faceCount);
  const startCount = new Uint32Array(layerCount + 1);
  const firstLayer = new Int32Array(faceCount);
  for (let f = 0; f < faceCount; f++) {
    const za = p[idx[f * 3]! * 3 + 2]!;
    const zb = p[idx[f * 3 + 1]! * 3 + 2]!;
    const zc = p[idx[f * 3 + 2]! * 3 + 2]!;
    const lo = Math.min(za, zb, zc);
    const hi = Math.max(za, zb, zc);
    if (hi === lo) {
      firstLayer[f] = -1;
      continue;
    }
    const k0 = Math.max(0, Math.floor((lo - zMin) / lh - 0.5));
    const k1 = Math.min(layerCount - 1, Math.floor((hi - zMin) / lh - 0.5) + 1);
    firstLayer[f] = k0;
    lastLayer[f] = k1;
    startCount[k0 + 1]!++;
  }
  for (let k = 0; k < layerCount; k++) startCount[k + 1]! += startCount[k]!;
  const byFirstLayer = new Uint32Array(startCount[layerCount]!);
  const fill = startCount.slice(0, layerCount);
  for (let f = 0; f < faceCount; f++) {
    const k0 = firstLayer[f]!;
    if (k0 >= 0) byFirstLayer[fill[k0]!++] = f;
  }

  const active = new Uint32Array(byFirstLayer.length);
  let activeCount = 0;
  let segments: Float64Array = new Float64Array(4096);
  let keys: Float64Array = new Float64Array(2048);
  const progressStep = Math.max(1, Math.floor(layerCount / 100));

  for (let k = 0; k < layerCount; k++) {
    const zp = zMin + (k + 0.5) * lh;
    for (let i = startCount[k]!; i < startCount[k + 1]!; i++)
      active[activeCount++] = byFirstLayer[i]!;
    let kept = 0;
    let segmentCount = 0;
    for (let i = 0; i < activeCount; i++) {
      const f = active[i]!;
      if (lastLayer[f]! < k) continue;
      active[kept++] = f;
      const ia = idx[f * 3]!;
      const ib = idx[f * 3 + 1]!;
      const ic = idx[f * 3 + 2]!;
      const aa = p[ia * 3 + 2]! >= zp;
      const ab = p[ib * 3 + 2]! >= zp;
      const ac = p[ic * 3 + 2]! >= zp;
      if (aa === ab && ab === ac) continue;
      // Rotate so `l` is the vertex alone on its side, keeping the winding order l → n1 → n2.
      let l = ic;
      let n1 = ia;
      let n2 = ib;
      let lonelyAbove = ac;
      if (aa !== ab && aa !== ac) {
        l = ia;
        n1 = ib;
        n2 = ic;
        lonelyAbove = aa;
      } else if (ab !== aa && ab !== ac) {
        l = ib;
        n1 = ic;
        n2 = ia;
        lonelyAbove = ab;
      }
      const from = lonelyAbove ? n1 : n2;
      const to = lonelyAbove ? n2 : n1;
      segments = ensureFloat64(segments, (segmentCount + 1) * 4);
      keys = ensureFloat64(keys, (segmentCount + 1) * 2);
      const s = segmentCount++;
      keys[s * 2] = edgePoint(p, l, from, zp, segments, s * 4, vertexCount, cx, cy);
      keys[s * 2 + 1] = edgePoint(p, l, to, zp, segments, s * 4 + 2, vertexCount, cx, cy);
    }
    activeCount = kept;
    const layer = chainLayer(segments, keys, segmentCount, cx, cy);
    summary.layerPerimeterMm.push(layer.perimeterMm);
    summary.layerAreaMm2.push(layer.areaMm2);
    summary.totalPerimeterMm += layer.perimeterMm;
    summary.segmentCount += segmentCount;
    summary.loopCount += layer.loops.length;
    summary.openLoopCount += layer.loops.filter((loop) => !loop.closed).length;
    options.onLayer?.({ index: k, layerCount, z: zp, ...layer });
    if (options.onProgress && (k % progressStep === 0 || k === layerCount - 1))
      options.onProgress((k + 1) / layerCount);
  }
  return summary;
}

/**
 * Writes the crossing of edge (u, v) with plane z = zp at `segments[at..at+1]` (relative to
 * the centre, for precision) and returns the edge's key. The point is computed from the
 * lower-indexed end so both faces sharing the edge get the bit-identical point.
 */
function edgePoint(
  p: Float32Array,
  u: number,
  v: number,
  zp: number,
  segments: Float64Array,
  at: number,
  vertexCount: number,
  cx: number,
  cy: number,
): number {
  const lo = u < v ? u : v;
  const hi = u < v ? v : u;
  const z0 = p[lo * 3 + 2]!;
  const t = (zp - z0) / (p[hi * 3 + 2]! - z0);
  segments[at] = p[lo * 3]! + t * (p[hi * 3]! - p[lo * 3]!) - cx;
  segments[at + 1] = p[lo * 3 + 1]! + t * (p[hi * 3 + 1]! - p[lo * 3 + 1]!) - cy;
  return lo * vertexCount + hi;
}

function chainLayer(
  segments: Float64Array,
  keys: Float64Array,
  count: number,
  cx: number,
  cy: number,
): { loops: SliceLoop[]; perimeterMm: number; areaMm2: number } {
  const byStart = new Map<number, number>();
  const endKeys = new Set<number>();
  let perimeter = 0;
  let twiceArea = 0;
  for (let s = 0; s < count; s++) {
    byStart.set(keys[s * 2]!, s);
    endKeys.add(keys[s * 2 + 1]!);
    const x1 = segments[s * 4]!;
    const y1 = segments[s * 4 + 1]!;
    const x2 = segments[s * 4 + 2]!;
    const y2 = segments[s * 4 + 3]!;
    perimeter += Math.hypot(x2 - x1, y2 - y1);
    twiceArea += x1 * y2 - x2 * y1;
  }
  const visited = new Uint8Array(count);
  const loops: SliceLoop[] = [];
  const walk = (start: number): void => {
    const points: number[] = [];
    let current = start;
    let closed = false;
    for (;;) {
      visited[current] = 1;
      points.push(segments[current * 4]! + cx, segments[current * 4 + 1]! + cy);
      const next = byStart.get(keys[current * 2 + 1]!);
      if (next === start) {
        closed = true;
        break;
      }
      if (next === undefined || visited[next] === 1) {
        points.push(segments[current * 4 + 2]! + cx, segments[current * 4 + 3]! + cy);
        break;
      }
      current = next;
    }
    loops.push({ points: Float64Array.from(points), closed });
  };
  // Open chains first, from their heads, so each is walked once from its beginning.
  for (let s = 0; s < count; s++) if (visited[s] === 0 && !endKeys.has(keys[s * 2]!)) walk(s);
  for (let s = 0; s < count; s++) if (visited[s] === 0) walk(s);
  return { loops, perimeterMm: perimeter, areaMm2: twiceArea / 2 };
}
