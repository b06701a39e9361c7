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
 * Merges corners that quantise to the same tolerance cell (open-addressing hash over integer
 * cell coordinates in typed arrays: no strings, no per-vertex objects), then drops faces
 * that collapsed. Points closer than the tolerance but straddling a cell border stay apart;
 * exporters write shared corners bit-identically, so this is rare in practice.
 */
export function weldSoup(soup: Float32Array, box: BoundingBox, toleranceMm: number): WeldResult {
  const triangleCount = soup.length / 9;
  const span = Math.max(box.size.x, box.size.y, box.size.z);
  const tolerance = Math.max(toleranceMm, span / MAX_CELLS, Number.MIN_VALUE);
  const inverse = 1 / tolerance;
  const { x: ox, y: oy, z: oz } = box.min;

  let capacity = Math.max(64, Math.ceil(triangleCount * 0.6));
  let positions = new Float32Array(capacity * 3);
  let tableSize = nextPowerOfTwo(capacity * 2);
  let table = new Int32Array(tableSize).fill(-1);
  let mask = tableSize - 1;
  let vertexCount = 0;
  const indices = new Uint32Array(triangleCount * 3);
  // Cells are recomputed from the stored float32 position instead of being stored: the same
  // float always quantises to the same cell, and it saves 12 bytes per vertex.
  const cellOf = (v: number): number =>
    hashCell(
      Math.round((positions[v * 3]! - ox) * inverse),
      Math.round((positions[v * 3 + 1]! - oy) * inverse),
      Math.round((positions[v * 3 + 2]! - oz) * inverse),
    );

  const rehash = (): void => {
    tableSize *= 2;
    mask = tableSize - 1;
    table = new Int32Array(tableSize).fill(-1);
    for (let v = 0; v < vertexCount; v++) {
      let h = cellOf(v) & mask;
      while (table[h] !== -1) h = (h + 1) & mask;
      table[h] = v;
    }
  };

  for (let corner = 0, k = 0; corner < triangleCount * 3; corner++, k += 3) {
    const x = soup[k]!;
    const y = soup[k + 1]!;
    const z = soup[k + 2]!;
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
      if (vertexCount === capacity) {
        capacity *= 2;
        const grown = new Float32Array(capacity * 3);
        grown.set(positions);
        positions = grown;
      }
      found = vertexCount++;
      table[h] = found;
      positions[found * 3] = x;
      positions[found * 3 + 1] = y;
      positions[found * 3 + 2] = z;
      if (vertexCount * 2 > tableSize) rehash();
    }
    indices[corner] = found;
  }

  let kept = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    if (a === b || b === c || a === c) continue;
    indices[kept++] = a;
    indices[kept++] = b;
    indices[kept++] = c;
  }
  return {
    mesh: {
      positions: positions.slice(0, vertexCount * 3),
      indices: kept === indices.length ? indices : indices.slice(0, kept),
    },
    collapsedFaces: triangleCount - kept / 3,
    toleranceMm: tolerance,
  };
}
