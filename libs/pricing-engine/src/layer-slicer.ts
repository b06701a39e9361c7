import { buildEdgeIndex, type EdgeIndex } from './edge-index.js';
import { ensureUint32 } from './growable.util.js';
import { chainSegments, type ChainedLoops } from './slice-chain.js';
import { layersWithVertexEvents, planeZ } from './slice-events.js';
import type { Extent, SliceLoop, SlicedLayer } from './slice-types.js';
import { isOnStraightRun } from './straight-run.util.js';
import type { IndexedMesh } from './types.js';

/**
 * The state {@link sliceMesh} carries from one layer to the next: the active faces, the
 * segments and loops of the last layer, and the points of the last layer built from its own.
 */
export class LayerSlicer {
  private readonly p: Float32Array;
  private readonly idx: Uint32Array;
  private readonly edges: EdgeIndex;
  private readonly events: Uint8Array;
  private readonly firstLayer: Int32Array;
  private readonly lastLayer: Int32Array;
  private readonly layerStart: Uint32Array;
  private readonly byFirstLayer: Uint32Array;
  private readonly active: Uint32Array;
  private activeCount = 0;
  private readonly startOf: Int32Array;
  private readonly endsHere: Uint8Array;
  private from: Uint32Array = new Uint32Array(1024);
  private to: Uint32Array = new Uint32Array(1024);
  segmentCount = 0;
  crossingsComputed = 0;
  private chain: ChainedLoops | undefined;
  /** Layers up to this one repeat the last built layer (checked once for the whole run). */
  private repeatsThrough = -1;
  /** Start point of each segment, interleaved x, y, relative to the centre. */
  private xy: Float64Array = new Float64Array(0);
  /** The same for the last layer built from its own points (the one repeats refer to). */
  private builtXy: Float64Array = new Float64Array(0);
  private previous: SlicedLayer | undefined;

  constructor(
    mesh: IndexedMesh,
    private readonly extent: Extent,
    private readonly lh: number,
    private readonly layerCount: number,
  ) {
    this.p = mesh.positions;
    this.idx = mesh.indices;
    const faceCount = this.idx.length / 3;
    this.edges = buildEdgeIndex(this.idx, this.p.length / 3);
    this.events = layersWithVertexEvents(this.p, extent.zMin, lh, layerCount);
    this.firstLayer = new Int32Array(faceCount);
    this.lastLayer = new Int32Array(faceCount);
    this.layerStart = new Uint32Array(layerCount + 1);
    this.bucketFaces(faceCount);
    this.byFirstLayer = new Uint32Array(this.layerStart[layerCount]!);
    const fill = this.layerStart.slice(0, layerCount);
    for (let f = 0; f < faceCount; f++) {
      const k0 = this.firstLayer[f]!;
      if (k0 >= 0) this.byFirstLayer[fill[k0]!++] = f;
    }
    this.active = new Uint32Array(this.byFirstLayer.length);
    this.startOf = new Int32Array(this.edges.edgeCount).fill(-1);
    this.endsHere = new Uint8Array(this.edges.edgeCount);
  }

  /** Buckets faces by first candidate layer (widened by one layer each way against rounding). */
  private bucketFaces(faceCount: number): void {
    const { p, idx, lh, layerCount } = this;
    const { zMin } = this.extent;
    for (let f = 0; f < faceCount; f++) {
      const za = p[idx[f * 3]! * 3 + 2]!;
      const zb = p[idx[f * 3 + 1]! * 3 + 2]!;
      const zc = p[idx[f * 3 + 2]! * 3 + 2]!;
      const lo = Math.min(za, zb, zc);
      const hi = Math.max(za, zb, zc);
      if (hi === lo) {
        this.firstLayer[f] = -1;
        continue;
      }
      const k0 = Math.max(0, Math.floor((lo - zMin) / lh - 0.5));
      this.firstLayer[f] = k0;
      this.lastLayer[f] = Math.min(layerCount - 1, Math.floor((hi - zMin) / lh - 0.5) + 1);
      this.layerStart[k0 + 1]!++;
    }
    for (let k = 0; k < layerCount; k++) this.layerStart[k + 1]! += this.layerStart[k]!;
  }

  slice(k: number): SlicedLayer {
    const zp = planeZ(this.extent.zMin, this.lh, k);
    for (let i = this.layerStart[k]!; i < this.layerStart[k + 1]!; i++)
      this.active[this.activeCount++] = this.byFirstLayer[i]!;
    const previous = this.previous;
    const sameEdges = k > 0 && this.events[k] === 0 && previous !== undefined;
    if (sameEdges && k <= this.repeatsThrough) return this.repeat(previous, k, zp);
    if (!sameEdges) {
      this.findSegments(k, zp);
      this.chain = chainSegments(
        this.from,
        this.to,
        this.segmentCount,
        this.startOf,
        this.endsHere,
      );
    }
    this.computeStartPoints(zp);
    if (sameEdges && this.sameContoursAsBuilt(this.chain!)) return this.repeat(previous, k, zp);
    this.previous = this.buildLayer(k, zp, this.chain!);
    [this.xy, this.builtXy] = [this.builtXy, this.xy];
    if (!sameEdges) this.repeatsThrough = this.lastRepeatAfter(k);
    return this.previous;
  }

  private repeat(previous: SlicedLayer, k: number, zp: number): SlicedLayer {
    this.previous = { ...previous, index: k, z: zp, repeatsPrevious: true };
    return this.previous;
  }

  /**
   * The last layer that repeats layer k, which was just built: the layers up to the next vertex
   * event cross the same edges, and each crossing point moves linearly with the plane, so if
   * the contours at the end of that run are the built ones (moved points still on their
   * straight runs), they are at every plane in between (a point between two fixed points at
   * both ends of a straight move stays between them). One check instead of one per layer.
   */
  private lastRepeatAfter(k: number): number {
    let end = k;
    while (end + 1 < this.layerCount && this.events[end + 1] === 0) end++;
    if (end === k) return -1;
    this.computeStartPoints(planeZ(this.extent.zMin, this.lh, end));
    return this.sameContoursAsBuilt(this.chain!) ? end : -1;
  }

  /** Keeps the faces still in range and records, for each crossing one, the edges it cuts. */
  private findSegments(k: number, zp: number): void {
    const { p, idx, active, lastLayer } = this;
    const faceEdges = this.edges.faceEdges;
    let kept = 0;
    let count = 0;
    for (let i = 0; i < this.activeCount; i++) {
      const f = active[i]!;
      if (lastLayer[f]! < k) continue;
      active[kept++] = f;
      const aa = p[idx[f * 3]! * 3 + 2]! >= zp;
      const ab = p[idx[f * 3 + 1]! * 3 + 2]! >= zp;
      const ac = p[idx[f * 3 + 2]! * 3 + 2]! >= zp;
      if (aa === ab && ab === ac) continue;
      // The corner alone on its side, l; the segment runs from edge (l, l+1) to (l+2, l) when
      // l is above the plane, the other way when below (material stays on the left).
      const c = aa !== ab && aa !== ac ? 0 : ab !== aa && ab !== ac ? 1 : 2;
      const lonelyAbove = c === 0 ? aa : c === 1 ? ab : ac;
      const after = faceEdges[f * 3 + c]!;
      const before = faceEdges[f * 3 + ((c + 2) % 3)]!;
      this.from = ensureUint32(this.from, count + 1);
      this.to = ensureUint32(this.to, count + 1);
      this.from[count] = lonelyAbove ? after : before;
      this.to[count++] = lonelyAbove ? before : after;
    }
    this.activeCount = kept;
    this.segmentCount = count;
  }

  /**
   * Writes where edge e crosses plane zp, relative to the centre (for precision), at
   * `out[at]`, `out[at + 1]`. The point is computed from the edge's lower-numbered vertex, so
   * it is the same bit for bit whichever face asks.
   */
  private edgePoint(e: number, zp: number, out: Float64Array, at: number): void {
    const { p } = this;
    const lo = this.edges.lo[e]!;
    const hi = this.edges.hi[e]!;
    const z0 = p[lo * 3 + 2]!;
    const t = (zp - z0) / (p[hi * 3 + 2]! - z0);
    out[at] = p[lo * 3]! + t * (p[hi * 3]! - p[lo * 3]!) - this.extent.cx;
    out[at + 1] = p[lo * 3 + 1]! + t * (p[hi * 3 + 1]! - p[lo * 3 + 1]!) - this.extent.cy;
  }

  private computeStartPoints(zp: number): void {
    const n = this.segmentCount;
    if (this.xy.length < n * 2) {
      const size = Math.max(n * 2, this.xy.length * 2);
      this.xy = new Float64Array(size);
      const built = new Float64Array(size);
      built.set(this.builtXy.subarray(0, Math.min(size, this.builtXy.length)));
      this.builtXy = built;
    }
    for (let s = 0; s < n; s++) this.edgePoint(this.from[s]!, zp, this.xy, s * 2);
    this.crossingsComputed += n;
  }

  private moved(s: number): boolean {
    return this.xy[s * 2] !== this.builtXy[s * 2] || this.xy[s * 2 + 1] !== this.builtXy[s * 2 + 1];
  }

  /**
   * Whether this layer's contours are those of the last built layer (same edges crossed): each
   * point either did not move, or lies on a straight run between two neighbours that did not
   * move, now and in the built layer. Then every corner is unchanged and so are the contours'
   * shape, length and area; only where a straight wall's diagonals are crossed differs.
   */
  private sameContoursAsBuilt(chain: ChainedLoops): boolean {
    const { xy, builtXy } = this;
    for (let s = 0; s < this.segmentCount; s++) {
      if (!this.moved(s)) continue;
      const a = chain.previous[s]!;
      const b = chain.next[s]!;
      if (a < 0 || b < 0 || this.moved(a) || this.moved(b)) return false;
      const ax = xy[a * 2]!;
      const ay = xy[a * 2 + 1]!;
      const bx = xy[b * 2]!;
      const by = xy[b * 2 + 1]!;
      if (!isOnStraightRun(ax, ay, xy[s * 2]!, xy[s * 2 + 1]!, bx, by)) return false;
      if (!isOnStraightRun(ax, ay, builtXy[s * 2]!, builtXy[s * 2 + 1]!, bx, by)) return false;
    }
    return true;
  }

  /** Where segment s ends: the start of the segment that follows it, or its own end edge. */
  private endPoint(s: number, chain: ChainedLoops, zp: number, out: Float64Array): void {
    const following = chain.next[s]!;
    if (following >= 0) {
      out[0] = this.xy[following * 2]!;
      out[1] = this.xy[following * 2 + 1]!;
    } else {
      this.edgePoint(this.to[s]!, zp, out, 0);
    }
  }

  private buildLayer(k: number, zp: number, chain: ChainedLoops): SlicedLayer {
    const { xy } = this;
    const end = new Float64Array(2);
    let perimeter = 0;
    let twiceArea = 0;
    for (let s = 0; s < this.segmentCount; s++) {
      this.endPoint(s, chain, zp, end);
      const x1 = xy[s * 2]!;
      const y1 = xy[s * 2 + 1]!;
      perimeter += Math.hypot(end[0]! - x1, end[1]! - y1);
      twiceArea += x1 * end[1]! - end[0]! * y1;
    }
    const { cx, cy } = this.extent;
    const loops: SliceLoop[] = [];
    for (let i = 0; i < chain.loopCount; i++) {
      const first = chain.loopStart[i]!;
      const last = chain.loopStart[i + 1]!;
      const closed = chain.closed[i] === 1;
      const points = new Float64Array((last - first + (closed ? 0 : 1)) * 2);
      for (let j = first; j < last; j++) {
        const s = chain.order[j]!;
        points[(j - first) * 2] = xy[s * 2]! + cx;
        points[(j - first) * 2 + 1] = xy[s * 2 + 1]! + cy;
      }
      if (!closed) {
        this.endPoint(chain.order[last - 1]!, chain, zp, end);
        points[points.length - 2] = end[0]! + cx;
        points[points.length - 1] = end[1]! + cy;
      }
      loops.push({ points, closed });
    }
    return {
      index: k,
      layerCount: this.layerCount,
      z: zp,
      loops,
      perimeterMm: perimeter,
      areaMm2: twiceArea / 2,
      repeatsPrevious: false,
    };
  }
}
