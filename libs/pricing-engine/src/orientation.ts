import { fitsWithPlateRotation, type Machine } from './machine-fit.js';
import { rotationPlacingDown, type Matrix3 } from './rotation.util.js';
import type { IndexedMesh, Vec3 } from './types.js';

/** Tuning of the orientation search. */
export interface OrientationOptions {
  /** Steepest self-supporting overhang, measured from vertical. Default 45°. */
  overhangAngleDeg?: number;
  /** Cost of 1 mm³ of support envelope, in score units. 0 for powder-bed processes. Default 1. */
  supportWeight?: number;
  /** Cost of 1 mm of build height, in mm³-equivalents. Default: surface area / 60. */
  heightWeightMm2?: number;
  /** Only orientations fitting one of these machines are chosen, when any fits. */
  machines?: readonly Machine[];
  onProgress?: (fraction: number) => void;
}

/** Numbers for one evaluated orientation. */
export interface OrientationCandidate {
  /** Side of the original model that faces the plate, e.g. `-Z` (as designed) or `+X-Z`. */
  label: string;
  /** Same as the label, as a unit vector in model coordinates. */
  downDirection: Vec3;
  /** Rotation applied to the model (row-major 3×3). */
  rotation: Matrix3;
  /** Area of downward faces steeper than the overhang angle, excluding faces on the plate. */
  overhangAreaMm2: number;
  /** Rough support envelope: overhang footprint × height above the plate. */
  supportVolumeMm3: number;
  heightMm: number;
  sizeMm: Vec3;
  /** Fits at least one of the given machines (with a free 90° turn on the plate). */
  fitsMachine: boolean;
  score: number;
}

/** All evaluated orientations and the chosen one. */
export interface OrientationResult {
  chosen: OrientationCandidate;
  candidates: OrientationCandidate[];
  overhangAngleDeg: number;
}

/** 26 directions: the 6 faces first (as designed first), then the 12 edges and 8 corners. */
function candidateDirections(): Vec3[] {
  const all: Vec3[] = [];
  for (let x = -1; x <= 1; x++) {
    for (let y = -1; y <= 1; y++) {
      for (let z = -1; z <= 1; z++) if (x !== 0 || y !== 0 || z !== 0) all.push({ x, y, z });
    }
  }
  const order = (d: Vec3): number => Math.abs(d.x) + Math.abs(d.y) + Math.abs(d.z);
  const designed = (d: Vec3): number => (d.z === -1 && d.x === 0 && d.y === 0 ? 0 : 1);
  return all.sort((a, b) => order(a) - order(b) || designed(a) - designed(b));
}

function label(d: Vec3): string {
  const part = (v: number, axis: string): string => (v === 0 ? '' : `${v > 0 ? '+' : '-'}${axis}`);
  return part(d.x, 'X') + part(d.y, 'Y') + part(d.z, 'Z');
}

/** Per face: unit normal (3), area (1), centroid (3). Computed once for all candidates. */
function faceData(mesh: IndexedMesh): { data: Float32Array; totalArea: number } {
  const p = mesh.positions;
  const idx = mesh.indices;
  const data = new Float32Array((idx.length / 3) * 7);
  let totalArea = 0;
  for (let t = 0, f = 0; t < idx.length; t += 3, f += 7) {
    const a = idx[t]! * 3;
    const b = idx[t + 1]! * 3;
    const c = idx[t + 2]! * 3;
    const ux = p[b]! - p[a]!;
    const uy = p[b + 1]! - p[a + 1]!;
    const uz = p[b + 2]! - p[a + 2]!;
    const vx = p[c]! - p[a]!;
    const vy = p[c + 1]! - p[a + 1]!;
    const vz = p[c + 2]! - p[a + 2]!;
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    const length = Math.hypot(nx, ny, nz);
    const inverse = length > 0 ? 1 / length : 0;
    data[f] = nx * inverse;
    data[f + 1] = ny * inverse;
    data[f + 2] = nz * inverse;
    data[f + 3] = length / 2;
    data[f + 4] = (p[a]! + p[b]! + p[c]!) / 3;
    data[f + 5] = (p[a + 1]! + p[b + 1]! + p[c + 1]!) / 3;
    data[f + 6] = (p[a + 2]! + p[b + 2]! + p[c + 2]!) / 3;
    totalArea += length / 2;
  }
  return { data, totalArea };
}

/**
 * Evaluates 26 orientations (each face, edge and corner of the bounding cube pointing down)
 * and picks the one minimising `supportWeight × support volume + heightWeight × height`
 * among those that fit a machine. Ties keep the earlier candidate, so the designed
 * orientation wins when nothing is better.
 */
export function searchOrientation(
  mesh: IndexedMesh,
  options: OrientationOptions = {},
): OrientationResult {
  const angle = options.overhangAngleDeg ?? 45;
  const threshold = Math.sin((angle * Math.PI) / 180);
  const supportWeight = options.supportWeight ?? 1;
  const machines = options.machines ?? [];
  const { data, totalArea } = faceData(mesh);
  const heightWeight = options.heightWeightMm2 ?? totalArea / 60;
  const positions = mesh.positions;
  const directions = candidateDirections();
  const candidates: OrientationCandidate[] = [];

  for (const [n, down] of directions.entries()) {
    const r = rotationPlacingDown(down);
    // The matrix in locals and the running box in variables: the loops below run over every
    // vertex and face for each of the 26 candidates.
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = r;
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
      const rx = r0 * x + r1 * y + r2 * z;
      const ry = r3 * x + r4 * y + r5 * z;
      const rz = r6 * x + r7 * y + r8 * z;
      if (rx < minX) minX = rx;
      if (rx > maxX) maxX = rx;
      if (ry < minY) minY = ry;
      if (ry > maxY) maxY = ry;
      if (rz < minZ) minZ = rz;
      if (rz > maxZ) maxZ = rz;
    }
    const floor = minZ;
    const size = { x: maxX - minX, y: maxY - minY, z: maxZ - floor };
    const onPlate = 1e-6 * Math.max(size.x, size.y, size.z, 1);
    let overhang = 0;
    let support = 0;
    for (let f = 0; f < data.length; f += 7) {
      const facingDown = -(r6 * data[f]! + r7 * data[f + 1]! + r8 * data[f + 2]!);
      if (facingDown <= threshold) continue;
      const height = r6 * data[f + 4]! + r7 * data[f + 5]! + r8 * data[f + 6]! - floor;
      if (height <= onPlate) continue;
      const area = data[f + 3]!;
      overhang += area;
      support += area * facingDown * height;
    }
    candidates.push({
      label: label(down),
      downDirection: scaleToUnit(down),
      rotation: r,
      overhangAreaMm2: overhang,
      supportVolumeMm3: support,
      heightMm: size.z,
      sizeMm: size,
      fitsMachine: machines.some((m) => fitsWithPlateRotation(size, m.buildVolumeMm)),
      score: supportWeight * support + heightWeight * size.z,
    });
    options.onProgress?.((n + 1) / directions.length);
  }

  const pool = candidates.some((c) => c.fitsMachine)
    ? candidates.filter((c) => c.fitsMachine)
    : candidates;
  let chosen = pool[0]!;
  for (const c of pool) {
    if (c.score < chosen.score - 1e-9 * Math.max(1, Math.abs(chosen.score))) chosen = c;
  }
  return { chosen, candidates, overhangAngleDeg: angle };
}

function scaleToUnit(d: Vec3): Vec3 {
  const length = Math.hypot(d.x, d.y, d.z);
  return { x: d.x / length, y: d.y / length, z: d.z / length };
}
