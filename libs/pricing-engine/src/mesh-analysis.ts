import type { BoundingBox, IndexedMesh } from './types.js';

/** Axis-aligned bounding box of a flat xyz position array. */
export function computeBoundingBox(positions: Float32Array): BoundingBox {
  let minX = Infinity;
  let minY = Infinity;
  let minZ = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let maxZ = -Infinity;
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i]!;
    const y = positions[i + 1]!;
    const z = positions[i + 2]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (z < minZ) minZ = z;
    if (z > maxZ) maxZ = z;
  }
  if (positions.length === 0) minX = minY = minZ = maxX = maxY = maxZ = 0;
  return {
    min: { x: minX, y: minY, z: minZ },
    max: { x: maxX, y: maxY, z: maxZ },
    size: { x: maxX - minX, y: maxY - minY, z: maxZ - minZ },
  };
}

/** Length of the bounding box diagonal. */
export function diagonal(box: BoundingBox): number {
  return Math.hypot(box.size.x, box.size.y, box.size.z);
}

/** Volume, area and degenerate-face count of an indexed mesh. */
export interface MeshMeasures {
  /** Signed: negative when the winding is inside out. */
  signedVolumeMm3: number;
  surfaceAreaMm2: number;
  /** Faces whose height over their longest edge is below the tolerance (slivers, collapsed). */
  degenerateFaces: number;
}

/**
 * Signed volume via the divergence theorem (sum of signed tetrahedra against the bbox
 * centre, in float64 so large offsets from the origin do not eat precision), surface area,
 * and degenerate faces.
 */
export function measureMesh(
  mesh: IndexedMesh,
  box: BoundingBox,
  degenerateToleranceMm: number,
): MeshMeasures {
  const p = mesh.positions;
  const idx = mesh.indices;
  const cx = (box.min.x + box.max.x) / 2;
  const cy = (box.min.y + box.max.y) / 2;
  const cz = (box.min.z + box.max.z) / 2;
  const tol2 = degenerateToleranceMm * degenerateToleranceMm;
  let volume6 = 0;
  let area2 = 0;
  let degenerate = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t]! * 3;
    const b = idx[t + 1]! * 3;
    const c = idx[t + 2]! * 3;
    const ax = p[a]! - cx;
    const ay = p[a + 1]! - cy;
    const az = p[a + 2]! - cz;
    const bx = p[b]! - cx;
    const by = p[b + 1]! - cy;
    const bz = p[b + 2]! - cz;
    const qx = p[c]! - cx;
    const qy = p[c + 1]! - cy;
    const qz = p[c + 2]! - cz;
    volume6 += ax * (by * qz - bz * qy) - ay * (bx * qz - bz * qx) + az * (bx * qy - by * qx);
    const ux = bx - ax;
    const uy = by - ay;
    const uz = bz - az;
    const vx = qx - ax;
    const vy = qy - ay;
    const vz = qz - az;
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    const cross2 = nx * nx + ny * ny + nz * nz;
    area2 += Math.sqrt(cross2);
    const wx = qx - bx;
    const wy = qy - by;
    const wz = qz - bz;
    const longest2 = Math.max(
      ux * ux + uy * uy + uz * uz,
      vx * vx + vy * vy + vz * vz,
      wx * wx + wy * wy + wz * wz,
    );
    // Height on the longest edge is |cross| / longest; compare squares to avoid two roots.
    if (cross2 <= tol2 * longest2) degenerate++;
  }
  return { signedVolumeMm3: volume6 / 6, surfaceAreaMm2: area2 / 2, degenerateFaces: degenerate };
}

/** Reverses every triangle's winding in place (used when the whole mesh is inside out). */
export function flipWinding(mesh: IndexedMesh): void {
  const idx = mesh.indices;
  for (let t = 0; t < idx.length; t += 3) {
    const b = idx[t + 1]!;
    idx[t + 1] = idx[t + 2]!;
    idx[t + 2] = b;
  }
}
