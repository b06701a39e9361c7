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

/**
 * Default weld tolerance: 1e-5 of the bbox diagonal, capped at 1 µm, so exporter float noise
 * merges while genuinely separate features (≥ 1 µm apart) never do.
 */
export function defaultWeldTolerance(diagonalMm: number): number {
  return Math.min(1e-5 * diagonalMm, 1e-3);
}

function hashCell(x: number, y: number, z: number): number {
  let h = Math.imul(x, 0x8da6b343) ^ Math.imul(y, 0xd8163841) ^ Math.imul(z, 0xcb1ab31f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/**
 * Merges corners that quantise to the same tolerance cell: an open-addressing hash over
 * integer cell coordinates in typed arrays (no strings, no per-vertex objects). Triangles are
 * fed in chunks so callers never need the whole triangle soup in memory. Points closer than
 * the tolerance but straddling a cell border stay apart; exporters write shared corners
 * bit-identically, so this is rare in practice.
 */
export class VertexWelder {
  readonly toleranceMm: number;
  private readonly inverse: number;
  private readonly origin: readonly [number, number, number];
  private readonly indices: Uint32Array;
  private corners = 0;
  private positions: Float32Array;
  private vertexCount = 0;
  private table: Int32Array;

  constructor(triangleCount: number, box: BoundingBox, toleranceMm: number) {
    const span = Math.max(box.size.x, box.size.y, box.size.z);
    this.toleranceMm = Math.max(toleranceMm, span / MAX_CELLS, Number.MIN_VALUE);
    this.inverse = 1 / this.toleranceMm;
    this.origin = [box.min.x, box.min.y, box.min.z];
    // Closed meshes have about half as many vertices as triangles.
    const capacity = Math.max(64, Math.ceil(triangleCount * 0.6));
    this.positions = new Float32Array(capacity * 3);
    this.table = new Int32Array(nextPowerOfTwo(capacity * 2)).fill(-1);
    this.indices = new Uint32Array(triangleCount * 3);
  }

  /** Welds the first `triangles` triangles of `chunk` (9 floats each, mm). */
  add(chunk: Float32Array, triangles: number): void {
    const [ox, oy, oz] = this.origin;
    const inverse = this.inverse;
    const indices = this.indices;
    let positions = this.positions;
    let table = this.table;
    let mask = table.length - 1;
    let vertexCount = this.vertexCount;
    let corner = this.corners;
    for (let k = 0; k < triangles * 9; k += 3) {
      const x = chunk[k]!;
      const y = chunk[k + 1]!;
      const z = chunk[k + 2]!;
      const qx = Math.round((x - ox) * inverse);
      const qy = Math.round((y - oy) * inverse);
      const qz = Math.round((z - oz) * inverse);
      let h = hashCell(qx, qy, qz) & mask;
      let found = -1;
      for (;;) {
        const v = table[h]!;
        if (v === -1) break;
        const px = positions[v * 3]!;
        const py = positions[v * 3 + 1]!;
        const pz = positions[v * 3 + 2]!;
        // Cells are recomputed from the stored float instead of being stored (saves 12 bytes
        // per vertex); bit-identical corners, the common case, skip even that.
        if (
          (px === x && py === y && pz === z) ||
          (Math.round((px - ox) * inverse) === qx &&
            Math.round((py - oy) * inverse) === qy &&
            Math.round((pz - oz) * inverse) === qz)
        ) {
          found = v;
          break;
        }
        h = (h + 1) & mask;
      }
      if (found === -1) {
        if ((vertexCount + 1) * 3 > positions.length) {
          const grown = new Float32Array(positions.length * 2);
          grown.set(positions);
          positions = grown;
        }
        found = vertexCount++;
        table[h] = found;
        positions[found * 3] = x;
        positions[found * 3 + 1] = y;
        positions[found * 3 + 2] = z;
        if (vertexCount * 2 > table.length) {
          this.positions = positions;
          this.vertexCount = vertexCount;
          table = this.rehash();
          mask = table.length - 1;
        }
      }
      indices[corner++] = found;
    }
    this.positions = positions;
    this.table = table;
    this.vertexCount = vertexCount;
    this.corners = corner;
  }

  /** Drops collapsed faces and returns compact arrays; the welder must not be used after. */
  finish(): WeldResult {
    const indices = this.indices;
    let kept = 0;
    for (let t = 0; t < this.corners; t += 3) {
      const a = indices[t]!;
      const b = indices[t + 1]!;
      const c = indices[t + 2]!;
      if (a === b || b === c || a === c) continue;
      indices[kept++] = a;
      indices[kept++] = b;
      indices[kept++] = c;
    }
    this.table = new Int32Array(0);
    return {
      mesh: {
        positions: this.positions.slice(0, this.vertexCount * 3),
        indices: kept === indices.length ? indices : indices.slice(0, kept),
      },
      collapsedFaces: (this.corners - kept) / 3,
      toleranceMm: this.toleranceMm,
    };
  }

  private rehash(): Int32Array {
    const [ox, oy, oz] = this.origin;
    const positions = this.positions;
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let v = 0; v < this.vertexCount; v++) {
      const qx = Math.round((positions[v * 3]! - ox) * this.inverse);
      const qy = Math.round((positions[v * 3 + 1]! - oy) * this.inverse);
      const qz = Math.round((positions[v * 3 + 2]! - oz) * this.inverse);
      let h = hashCell(qx, qy, qz) & mask;
      while (table[h] !== -1) h = (h + 1) & mask;
      table[h] = v;
    }
    this.table = table;
    return table;
  }
}

/** Welds a whole triangle soup at once. */
export function weldSoup(soup: Float32Array, box: BoundingBox, toleranceMm: number): WeldResult {
  const welder = new VertexWelder(soup.length / 9, box, toleranceMm);
  welder.add(soup, soup.length / 9);
  return welder.finish();
}
