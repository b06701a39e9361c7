import type { IndexedMesh, Vec3 } from './types.js';

/** Row-major 3×3 rotation matrix as a plain array (structured-cloneable). */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

/** The identity rotation. */
export const IDENTITY_MATRIX: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function snap(value: number): number {
  // Axis-aligned rotations should be exact signed permutations, not 6e-17 noise.
  for (const target of [-1, 0, 1]) if (Math.abs(value - target) < 1e-12) return target;
  return value;
}

/**
 * Smallest rotation that turns unit direction `down` (in model coordinates) onto -Z, i.e.
 * makes that side of the part face the build plate (Rodrigues' formula).
 */
export function rotationPlacingDown(down: Vec3): Matrix3 {
  const length = Math.hypot(down.x, down.y, down.z);
  const ux = down.x / length;
  const uy = down.y / length;
  const uz = down.z / length;
  // k = u × (0, 0, -1), c = u · (0, 0, -1)
  const kx = -uy;
  const ky = ux;
  const c = -uz;
  if (1 + c < 1e-12) return [1, 0, 0, 0, -1, 0, 0, 0, -1];
  const f = 1 / (1 + c);
  // R = I + K + K² f, with K the cross-product matrix of (kx, ky, 0).
  const m: Matrix3 = [
    1 - ky * ky * f,
    kx * ky * f,
    ky,
    kx * ky * f,
    1 - kx * kx * f,
    -kx,
    -ky,
    kx,
    1 - (kx * kx + ky * ky) * f,
  ];
  return m.map(snap) as Matrix3;
}

/** Applies a rotation to a point. */
export function rotateVec(m: Matrix3, v: Vec3): Vec3 {
  return {
    x: m[0] * v.x + m[1] * v.y + m[2] * v.z,
    y: m[3] * v.x + m[4] * v.y + m[5] * v.z,
    z: m[6] * v.x + m[7] * v.y + m[8] * v.z,
  };
}

/** Returns a copy of the mesh with every vertex rotated (indices are shared, not copied). */
export function rotateMesh(mesh: IndexedMesh, m: Matrix3): IndexedMesh {
  const source = mesh.positions;
  const positions = new Float32Array(source.length);
  for (let i = 0; i < source.length; i += 3) {
    const x = source[i]!;
    const y = source[i + 1]!;
    const z = source[i + 2]!;
    positions[i] = m[0] * x + m[1] * y + m[2] * z;
    positions[i + 1] = m[3] * x + m[4] * y + m[5] * z;
    positions[i + 2] = m[6] * x + m[7] * y + m[8] * z;
  }
  return { positions, indices: mesh.indices };
}
