import { nextPowerOfTwo } from './growable.util.js';
import type { BoundingBox, IndexedMesh } from './types.js';

/** Welded mesh plus what welding removed. */
export interface WeldResult {
  mesh: IndexedMesh;
  /** Faces dropped because two or three corners merged into one vertex. */
  collapsedFaces: number;
  toleranceMm: number;
}

/** Largest quantised coordinate, so cell indices stay inside int32. */
const MAX_CELLS = 1 << 30;

/** Vertex numbers + 1 stay below this, leaving the top 4 bits of a slot for a tag. */
const TAG_LIMIT = 1 << 28;

/** Corners whose table probes are batched, so their cache misses overlap. */
const PENDING = 1024;

/** Entries of the direct-mapped cache of recent corners (4 Int32 each: 256 KiB, L2-sized). */
const CACHE_BITS = 14;

/**
 * Default weld tolerance: 1e-5 of the bbox diagonal, capped at 1 µm, so exporter float noise
 * merges while genuinely separate features (≥ 1 µm apart) never do.
 */
export function defaultWeldTolerance(diagonalMm: number): number {
  return Math.min(1e-5 * diagonalMm, 1e-3);
}

/**
 * Exactly `Math.round(x)` for |x| < 2^52 (up to the sign of a zero result), at a third of its
 * cost in V8, whose `Math.round` needs a data-dependent branch on the fraction that
 * mispredicts half the time on coordinates. `floor(x + 0.5)` is exact there (the sum is
 * exact, or rounds only when it cannot cross an integer) except for the one double just
 * below 0.5, where the sum rounds up to 1.
 */
export function roundHalfUp(x: number): number {
  return x === 0.49999999999999994 ? 0 : Math.floor(x + 0.5);
}

function hashCell(x: number, y: number, z: number): number {
  let h = Math.imul(x, 0x8da6b343) ^ Math.imul(y, 0xd8163841) ^ Math.imul(z, 0xcb1ab31f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** Cache slot of a corner from the bit patterns of its three float32 coordinates. */
function cacheSlot(bx: number, by: number, bz: number): number {
  let h = Math.imul(bx, 0x9e3779b1) + Math.imul(by, 0x85ebca77) + Math.imul(bz, 0xc2b2ae3d);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> (32 - CACHE_BITS);
}

/**
 * Merges corners that quantise to the same tolerance cell: an open-addressing hash over
 * integer cell coordinates in typed arrays (no strings, no per-vertex objects). Triangles are
 * fed in chunks so callers never need the whole triangle soup in memory. Points closer than
 * the tolerance but straddling a cell border stay apart; exporters write shared corners
 * bit-identically, so this is rare in practice.
 *
 * Each vertex is used by about six corners, written bit-identically and close together in
 * the file, so a small direct-mapped cache keyed by the corner's raw float bits answers most
 * corners (about 5 in 6 on exported meshes) before any rounding or table probe. Equal bits
 * mean the same cell, and a cell has at most one vertex, so the cache can only give the
 * answer the table would. The table's probes are cache and TLB misses once it outgrows the
 * CPU caches, which makes them the welder's main cost: the other corners are queued and
 * probed in batches (see `flush`), and each slot carries a 4-bit tag of its cell's hash so
 * that probing past another cell's vertex does not read that vertex's position.
 */
export class VertexWelder {
  readonly toleranceMm: number;
  private readonly inverse: number;
  private readonly ox: number;
  private readonly oy: number;
  private readonly oz: number;
  private indices: Uint32Array;
  /** Corners of the faces kept so far (collapsed faces are dropped as they come). */
  private corners = 0;
  private collapsed = 0;
  private positions: Float32Array;
  private vertexCount = 0;
  /** Slot = vertex + 1 (0: empty), with the cell hash's top bits above it as a tag. */
  private table: Uint32Array;
  private mask: number;
  private readonly tagMask: number;
  /** Raw float bits (x, y, z) of each cached corner, and its vertex (-1: empty). */
  private readonly cacheBits = new Int32Array(3 << CACHE_BITS);
  private readonly cacheVertices = new Int32Array(1 << CACHE_BITS).fill(-1);
  /** Corners waiting for the table: their index slot, coordinates, bits and cell hash. */
  private pending = 0;
  private readonly pendingCorner = new Int32Array(PENDING);
  private readonly pendingXyz = new Float32Array(PENDING * 3);
  private readonly pendingBits = new Int32Array(PENDING * 3);
  private readonly pendingCell = new Int32Array(PENDING * 3);
  private readonly pendingHash = new Int32Array(PENDING);
  /** Keeps the prefetching loads of `flush` alive. */
  private sink = 0;

  constructor(triangleCount: number, box: BoundingBox, toleranceMm: number) {
    const span = Math.max(box.size.x, box.size.y, box.size.z);
    this.toleranceMm = Math.max(toleranceMm, span / MAX_CELLS, Number.MIN_VALUE);
    this.inverse = 1 / this.toleranceMm;
    this.ox = box.min.x;
    this.oy = box.min.y;
    this.oz = box.min.z;
    // Closed meshes have about half as many vertices as triangles.
    const capacity = Math.max(64, Math.ceil(triangleCount * 0.6));
    this.positions = new Float32Array(capacity * 3);
    this.table = new Uint32Array(nextPowerOfTwo(capacity * 2));
    this.mask = this.table.length - 1;
    // Vertex numbers need 28 bits up to 89M triangles (3 corners each); above that, no tag.
    this.tagMask = triangleCount * 3 < TAG_LIMIT ? ~(TAG_LIMIT - 1) : 0;
    this.indices = new Uint32Array(triangleCount * 3);
  }

  /** Welds the first `triangles` triangles of `chunk` (9 floats each, mm). */
  add(chunk: Float32Array, triangles: number): void {
    const bits = new Int32Array(chunk.buffer, chunk.byteOffset, triangles * 9);
    const cacheBits = this.cacheBits;
    const cacheVertices = this.cacheVertices;
    const indices = this.indices;
    const start = this.corners;
    let corner = start;
    for (let k = 0; k < triangles * 9; k += 3) {
      const bx = bits[k]!;
      const by = bits[k + 1]!;
      const bz = bits[k + 2]!;
      const slot = cacheSlot(bx, by, bz);
      const v = cacheVertices[slot]!;
      if (
        v !== -1 &&
        cacheBits[slot * 3] === bx &&
        cacheBits[slot * 3 + 1] === by &&
        cacheBits[slot * 3 + 2] === bz
      ) {
        indices[corner++] = v;
      } else {
        this.defer(corner++, chunk[k]!, chunk[k + 1]!, chunk[k + 2]!, bx, by, bz);
      }
    }
    this.flush();
    this.corners = corner;
    this.dropCollapsed(start);
  }

  /**
   * Welds `count` triangles of a validated binary STL starting at triangle `first`, reading
   * the file's bytes directly: coordinates scaled to mm and rounded to float32, the values
   * {@link readBinaryStlTriangles} would write.
   */
  addBinaryStl(bytes: Uint8Array, first: number, count: number, scaleToMm: number): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const s = scaleToMm;
    const cacheBits = this.cacheBits;
    const cacheVertices = this.cacheVertices;
    const indices = this.indices;
    const start = this.corners;
    let corner = start;
    for (let t = 0, o = 96 + first * 50; t < count; t++, o += 50) {
      for (let c = o; c < o + 36; c += 12) {
        const bx = view.getInt32(c, true);
        const by = view.getInt32(c + 4, true);
        const bz = view.getInt32(c + 8, true);
        const slot = cacheSlot(bx, by, bz);
        const v = cacheVertices[slot]!;
        if (
          v !== -1 &&
          cacheBits[slot * 3] === bx &&
          cacheBits[slot * 3 + 1] === by &&
          cacheBits[slot * 3 + 2] === bz
        ) {
          indices[corner++] = v;
        } else {
          this.defer(
            corner++,
            Math.fround(view.getFloat32(c, true) * s),
            Math.fround(view.getFloat32(c + 4, true) * s),
            Math.fround(view.getFloat32(c + 8, true) * s),
            bx,
            by,
            bz,
          );
        }
      }
    }
    this.flush();
    this.corners = corner;
    this.dropCollapsed(start);
  }

  /**
   * Queues a corner the cache did not know. Its vertex is looked up later, in order, so the
   * vertices are numbered exactly as if each corner were looked up at once; a corner with
   * the same bits that comes before the flush simply queues too and finds the vertex the
   * first one created.
   */
  private defer(
    corner: number,
    x: number,
    y: number,
    z: number,
    bx: number,
    by: number,
    bz: number,
  ): void {
    const i = this.pending++;
    this.pendingCorner[i] = corner;
    const xyz = this.pendingXyz;
    xyz[i * 3] = x;
    xyz[i * 3 + 1] = y;
    xyz[i * 3 + 2] = z;
    const bits = this.pendingBits;
    bits[i * 3] = bx;
    bits[i * 3 + 1] = by;
    bits[i * 3 + 2] = bz;
    if (this.pending === PENDING) this.flush();
  }

  /**
   * Resolves the queued corners: first a tight loop that computes each cell and touches its
   * table slot, so the CPU overlaps those cache misses instead of taking them one by one,
   * then the lookups proper, in queue order.
   */
  private flush(): void {
    const n = this.pending;
    if (n === 0) return;
    const { ox, oy, oz, inverse, table, mask } = this;
    const xyz = this.pendingXyz;
    const cells = this.pendingCell;
    const hashes = this.pendingHash;
    let sink = 0;
    for (let i = 0; i < n; i++) {
      const qx = roundHalfUp((xyz[i * 3]! - ox) * inverse);
      const qy = roundHalfUp((xyz[i * 3 + 1]! - oy) * inverse);
      const qz = roundHalfUp((xyz[i * 3 + 2]! - oz) * inverse);
      cells[i * 3] = qx;
      cells[i * 3 + 1] = qy;
      cells[i * 3 + 2] = qz;
      const h = hashCell(qx, qy, qz);
      hashes[i] = h;
    }
    // A loop this small keeps many loads in flight; with no branch on the loaded values none
    // of them waits for another.
    for (let i = 0; i < n; i++) sink ^= table[hashes[i]! & mask]!;
    this.sink ^= sink;
    const indices = this.indices;
    const bits = this.pendingBits;
    const cacheBits = this.cacheBits;
    for (let i = 0; i < n; i++) {
      const v = this.vertex(
        xyz[i * 3]!,
        xyz[i * 3 + 1]!,
        xyz[i * 3 + 2]!,
        cells[i * 3]!,
        cells[i * 3 + 1]!,
        cells[i * 3 + 2]!,
        hashes[i]!,
      );
      indices[this.pendingCorner[i]!] = v;
      const bx = bits[i * 3]!;
      const by = bits[i * 3 + 1]!;
      const bz = bits[i * 3 + 2]!;
      const slot = cacheSlot(bx, by, bz);
      this.cacheVertices[slot] = v;
      cacheBits[slot * 3] = bx;
      cacheBits[slot * 3 + 1] = by;
      cacheBits[slot * 3 + 2] = bz;
    }
    this.pending = 0;
  }

  /** Drops the faces from corner `start` on whose corners merged into fewer than three. */
  private dropCollapsed(start: number): void {
    const indices = this.indices;
    let kept = start;
    for (let t = start; t < this.corners; t += 3) {
      const a = indices[t]!;
      const b = indices[t + 1]!;
      const c = indices[t + 2]!;
      if (a === b || b === c || a === c) continue;
      indices[kept] = a;
      indices[kept + 1] = b;
      indices[kept + 2] = c;
      kept += 3;
    }
    this.collapsed += (this.corners - kept) / 3;
    this.corners = kept;
  }

  /** The vertex in cell (qx, qy, qz) with hash `hash`, or a new one at the corner. */
  private vertex(
    x: number,
    y: number,
    z: number,
    qx: number,
    qy: number,
    qz: number,
    hash: number,
  ): number {
    const { ox, oy, oz, inverse, positions, table, mask, tagMask } = this;
    let h = hash & mask;
    for (;;) {
      const entry = table[h]!;
      if (entry === 0) break;
      h = (h + 1) & mask;
      // Another cell's vertex, as the tag tells without reading its position (a cache miss).
      if (((entry ^ hash) & tagMask) !== 0) continue;
      const v = (entry & ~tagMask) - 1;
      const px = positions[v * 3]!;
      const py = positions[v * 3 + 1]!;
      const pz = positions[v * 3 + 2]!;
      // Cells are recomputed from the stored float instead of being stored (saves 12 bytes
      // per vertex); bit-identical corners skip even that.
      if (
        (px === x && py === y && pz === z) ||
        (roundHalfUp((px - ox) * inverse) === qx &&
          roundHalfUp((py - oy) * inverse) === qy &&
          roundHalfUp((pz - oz) * inverse) === qz)
      ) {
        return v;
      }
    }
    const v = this.vertexCount++;
    if (this.vertexCount * 3 > positions.length) {
      const grown = new Float32Array(positions.length * 2);
      grown.set(positions);
      this.positions = grown;
    }
    const p = this.positions;
    p[v * 3] = x;
    p[v * 3 + 1] = y;
    p[v * 3 + 2] = z;
    table[h] = ((hash & tagMask) | (v + 1)) >>> 0;
    if (this.vertexCount * 2 > table.length) this.rehash();
    return v;
  }

  /** Returns compact arrays; the welder must not be used after. */
  finish(): WeldResult {
    this.table = new Uint32Array(0);
    const indices = this.indices;
    this.indices = new Uint32Array(0);
    return {
      mesh: {
        positions: this.positions.slice(0, this.vertexCount * 3),
        indices: this.corners === indices.length ? indices : indices.slice(0, this.corners),
      },
      collapsedFaces: this.collapsed,
      toleranceMm: this.toleranceMm,
    };
  }

  private rehash(): void {
    const { ox, oy, oz, inverse, positions } = this;
    const table = new Uint32Array(this.table.length * 2);
    const mask = table.length - 1;
    const tagMask = this.tagMask;
    for (let v = 0; v < this.vertexCount; v++) {
      const qx = roundHalfUp((positions[v * 3]! - ox) * inverse);
      const qy = roundHalfUp((positions[v * 3 + 1]! - oy) * inverse);
      const qz = roundHalfUp((positions[v * 3 + 2]! - oz) * inverse);
      const hash = hashCell(qx, qy, qz);
      let h = hash & mask;
      while (table[h] !== 0) h = (h + 1) & mask;
      table[h] = ((hash & tagMask) | (v + 1)) >>> 0;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Welds a whole triangle soup at once. */
export function weldSoup(soup: Float32Array, box: BoundingBox, toleranceMm: number): WeldResult {
  const welder = new VertexWelder(soup.length / 9, box, toleranceMm);
  welder.add(soup, soup.length / 9);
  return welder.finish();
}
