import { sortBucket } from './sort-bucket.util.js';

/** Edge and connectivity facts about a welded mesh. */
export interface TopologyReport {
  edges: number;
  /** Edges used by a single face: holes in the surface. */
  boundaryEdges: number;
  /** Edges shared by more than two faces: the surface touches or intersects itself there. */
  nonManifoldEdges: number;
  /** Two-face edges traversed in the same direction by both: neighbouring faces disagree on inside. */
  inconsistentEdges: number;
  /** No boundary and no non-manifold edges. */
  watertight: boolean;
  /** Connected components (faces linked through shared vertices). */
  shells: number;
  /**
   * Shells that are voids, not bodies: closed, inward-facing, and inside another shell (a
   * hollow part's inner wall). `shells − cavities` is the number of separate bodies.
   */
  cavities: number;
}

/** What {@link analyseTopology} finds from the indices alone (cavities need the positions). */
export type EdgeTopology = Omit<TopologyReport, 'cavities'>;

function find(parent: Int32Array, v: number): number {
  while (parent[v] !== v) {
    const grand = parent[parent[v]!]!;
    parent[v] = grand;
    v = grand;
  }
  return v;
}

/**
 * Counts edge usage without a hash map: half-edges are bucketed by their lower vertex
 * (counting sort into one Uint32Array, ~14 bytes per triangle), then each small bucket is
 * sorted and scanned. Shells come from a union-find over the edges found in that scan:
 * vertices linked by edges are the vertices of faces linked through shared vertices, and
 * the shells are the used vertices minus the merges. When `vertexShell` is given and there are
 * several shells, it receives each vertex's shell (a representative vertex).
 */
export function analyseTopology(
  indices: Uint32Array,
  vertexCount: number,
  vertexShell?: Int32Array,
): EdgeTopology {
  const halfEdges = indices.length;
  // Counts per lower vertex, summed into bucket ends; the scatter below fills each bucket
  // from its end, which leaves offsets[v] at the start of bucket v (no cursor copy).
  const offsets = new Uint32Array(vertexCount + 1);
  for (let t = 0; t < halfEdges; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    offsets[a < b ? a : b]!++;
    offsets[b < c ? b : c]!++;
    offsets[c < a ? c : a]!++;
  }
  for (let v = 1; v <= vertexCount; v++) offsets[v]! += offsets[v - 1]!;
  // Entry = higher vertex * 2 + direction bit, so sorting groups an edge's uses together.
  const entries = new Uint32Array(halfEdges);
  for (let t = 0; t < halfEdges; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    if (a < b) entries[--offsets[a]!] = b * 2;
    else entries[--offsets[b]!] = a * 2 + 1;
    if (b < c) entries[--offsets[b]!] = c * 2;
    else entries[--offsets[c]!] = b * 2 + 1;
    if (c < a) entries[--offsets[c]!] = a * 2;
    else entries[--offsets[a]!] = c * 2 + 1;
  }

  const parent = new Int32Array(vertexCount);
  for (let v = 0; v < vertexCount; v++) parent[v] = v;
  const used = new Uint8Array(vertexCount);
  let merges = 0;
  let edges = 0;
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let inconsistentEdges = 0;
  for (let v = 0; v < vertexCount; v++) {
    const start = offsets[v]!;
    const end = offsets[v + 1]!;
    if (start === end) continue;
    used[v] = 1;
    sortBucket(entries, start, end);
    // Other vertices are only ever linked under this root, so it stays one for the bucket.
    const rv = find(parent, v);
    let i = start;
    while (i < end) {
      const other = entries[i]! >>> 1;
      let uses = 0;
      let reversed = 0;
      while (i < end && entries[i]! >>> 1 === other) {
        reversed += entries[i]! & 1;
        uses++;
        i++;
      }
      edges++;
      if (uses === 1) boundaryEdges++;
      else if (uses > 2) nonManifoldEdges++;
      else if (reversed !== 1) inconsistentEdges++;
      used[other] = 1;
      const ro = find(parent, other);
      if (rv !== ro) {
        parent[ro] = rv;
        merges++;
      }
    }
  }
  let usedVertices = 0;
  for (let v = 0; v < vertexCount; v++) usedVertices += used[v]!;
  const shells = usedVertices - merges;
  // Only a mesh of several shells needs them told apart (for its cavities).
  if (vertexShell && shells > 1)
    for (let v = 0; v < vertexCount; v++) vertexShell[v] = find(parent, v);

  return {
    edges,
    boundaryEdges,
    nonManifoldEdges,
    inconsistentEdges,
    watertight: boundaryEdges === 0 && nonManifoldEdges === 0,
    shells,
  };
}
