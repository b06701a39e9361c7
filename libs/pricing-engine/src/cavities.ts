import type { EdgeTopology } from './topology.js';
import type { IndexedMesh } from './types.js';

/** Inward-facing shells tested for being voids; any beyond this count as separate bodies. */
const MAX_CANDIDATES = 32;

/**
 * Counts the shells that are cavities: closed, with inward normals (negative volume), and
 * inside another shell (the winding number of the rest of the mesh at a point of their
 * surface is positive). A hollow sphere is one body with one cavity, and its volume is already
 * outer − inner (the divergence theorem subtracts the inward shell). Only a watertight,
 * consistently wound mesh is judged; otherwise its shells all count as bodies. One pass over
 * the faces for the volumes and one for the winding numbers.
 */
export function countCavities(
  mesh: IndexedMesh,
  edges: EdgeTopology,
  vertexShell: Int32Array,
): number {
  if (edges.shells < 2 || !edges.watertight || edges.inconsistentEdges > 0) return 0;
  const { positions: p, indices: idx } = mesh;
  const faceCount = idx.length / 3;
  // Dense shell numbers, and each shell's signed volume (×6) about its first vertex.
  const shellOf = new Int32Array(p.length / 3).fill(-1);
  const faceShell = new Int32Array(faceCount);
  const volumes: number[] = [];
  const firstFace: number[] = [];
  for (let f = 0; f < faceCount; f++) {
    const root = vertexShell[idx[f * 3]!]!;
    if (shellOf[root] === -1) {
      shellOf[root] = volumes.length;
      volumes.push(0);
      firstFace.push(f);
    }
    const s = shellOf[root]!;
    faceShell[f] = s;
    volumes[s]! += tetrahedron(p, idx, f, idx[firstFace[s]! * 3]!);
  }
  const candidates = volumes
    .map((v, s) => ({ s, v }))
    .filter(({ v }) => v < 0)
    .slice(0, MAX_CANDIDATES)
    .map(({ s }) => ({ shell: s, point: probe(p, idx, firstFace[s]!), winding: 0 }));
  for (let f = 0; f < faceCount; f++) {
    for (const c of candidates)
      if (faceShell[f] !== c.shell) c.winding += crossing(p, idx, f, c.point);
  }
  return candidates.filter((c) => c.winding > 0).length;
}

/** 6 × the signed volume of the tetrahedron of face f and vertex o. */
function tetrahedron(p: Float32Array, idx: Uint32Array, f: number, o: number): number {
  const [ox, oy, oz] = [p[o * 3]!, p[o * 3 + 1]!, p[o * 3 + 2]!];
  const a = idx[f * 3]! * 3;
  const b = idx[f * 3 + 1]! * 3;
  const c = idx[f * 3 + 2]! * 3;
  const [ax, ay, az] = [p[a]! - ox, p[a + 1]! - oy, p[a + 2]! - oz];
  const [bx, by, bz] = [p[b]! - ox, p[b + 1]! - oy, p[b + 2]! - oz];
  const [cx, cy, cz] = [p[c]! - ox, p[c + 1]! - oy, p[c + 2]! - oz];
  return ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
}

/**
 * A point on face f (its centroid), nudged off it by an amount with no simple ratio to the
 * mesh's coordinates, so that the ray from it along +x meets other faces in their interior
 * rather than exactly on an edge or a vertex.
 */
function probe(p: Float32Array, idx: Uint32Array, f: number): [number, number, number] {
  const point: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++)
    for (let k = 0; k < 3; k++) point[k]! += p[idx[f * 3 + c]! * 3 + k]! / 3;
  return [point[0], point[1] + 7.389056e-7 * Math.PI, point[2] + 2.718281e-7 * Math.SQRT2];
}

/**
 * Whether the ray from `q` along +x crosses face f: +1 leaving through it (its normal points
 * along +x), −1 entering, 0 missing it. Summed over a closed shell this is its winding number
 * around q: 1 inside an outward shell, 0 outside.
 */
function crossing(
  p: Float32Array,
  idx: Uint32Array,
  f: number,
  q: [number, number, number],
): number {
  const a = idx[f * 3]! * 3;
  const b = idx[f * 3 + 1]! * 3;
  const c = idx[f * 3 + 2]! * 3;
  const [ay, az, by, bz, cy, cz] = [
    p[a + 1]!,
    p[a + 2]!,
    p[b + 1]!,
    p[b + 2]!,
    p[c + 1]!,
    p[c + 2]!,
  ];
  const [y, z] = [q[1], q[2]];
  if ((ay < y && by < y && cy < y) || (ay > y && by > y && cy > y)) return 0;
  if ((az < z && bz < z && cz < z) || (az > z && bz > z && cz > z)) return 0;
  // Barycentric coordinates of (y, z) in the face's projection on the yz plane.
  const area = (by - ay) * (cz - az) - (bz - az) * (cy - ay);
  if (area === 0) return 0;
  const u = ((by - y) * (cz - z) - (bz - z) * (cy - y)) / area;
  const v = ((cy - y) * (az - z) - (cz - z) * (ay - y)) / area;
  const w = 1 - u - v;
  if (u < 0 || v < 0 || w < 0) return 0;
  const x = u * p[a]! + v * p[b]! + w * p[c]!;
  if (x <= q[0]) return 0;
  // The normal's x component has the sign of the projected area.
  return area > 0 ? 1 : -1;
}
