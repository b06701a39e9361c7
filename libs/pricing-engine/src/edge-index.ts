import { sortBucket } from './sort-bucket.util.js';

/** Integer ids for the undirected edges of a welded mesh, built once per slicing. */
export interface EdgeIndex {
  edgeCount: number;
  /** Lower-numbered vertex of each edge. */
  lo: Uint32Array;
  /** Higher-numbered vertex of each edge. */
  hi: Uint32Array;
  /** At `f * 3 + c`: the id of face f's edge from corner c to corner c + 1 (mod 3). */
  faceEdges: Uint32Array;
}

/** Buckets up to this size are scanned; larger ones (fan centres) are searched by halves. */
const SCAN_LIMIT = 8;

/** Index in sorted `values[start..end)` holding `wanted` (it is there by construction). */
function lowerBound(values: Uint32Array, start: number, end: number, wanted: number): number {
  if (end - start <= SCAN_LIMIT) {
    let i = start;
    while (values[i] !== wanted) i++;
    return i;
  }
  let low = start;
  let high = end;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < wanted) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Numbers the edges without a hash map, as the topology pass counts them: half-edges are
 * bucketed by their lower vertex (counting sort), each bucket is sorted and deduplicated in
 * place, so an edge's id is its position in that compacted list; each face corner then finds
 * its edge by a binary search in its bucket. O(n log d) for n corners and vertex degree d, and
 * about 28 bytes per triangle at the peak.
 */
export function buildEdgeIndex(indices: Uint32Array, vertexCount: number): EdgeIndex {
  const corners = indices.length;
  const offsets = new Uint32Array(vertexCount + 1);
  for (let t = 0; t < corners; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    offsets[a < b ? a : b]!++;
    offsets[b < c ? b : c]!++;
    offsets[c < a ? c : a]!++;
  }
  for (let v = 1; v <= vertexCount; v++) offsets[v]! += offsets[v - 1]!;
  // Filled from each bucket's end, which leaves offsets[v] at the start of bucket v.
  const entries = new Uint32Array(corners);
  for (let t = 0; t < corners; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    if (a < b) entries[--offsets[a]!] = b;
    else entries[--offsets[b]!] = a;
    if (b < c) entries[--offsets[b]!] = c;
    else entries[--offsets[c]!] = b;
    if (c < a) entries[--offsets[c]!] = a;
    else entries[--offsets[a]!] = c;
  }
  // Compacts each sorted bucket's distinct values to the front; edgeStart[v] is where the
  // edges of v begin (the write position never passes the read position).
  const edgeStart = new Uint32Array(vertexCount + 1);
  let written = 0;
  for (let v = 0; v < vertexCount; v++) {
    const start = offsets[v]!;
    const end = offsets[v + 1]!;
    edgeStart[v] = written;
    sortBucket(entries, start, end);
    for (let i = start; i < end; i++) {
      if (i === start || entries[i] !== entries[i - 1]) entries[written++] = entries[i]!;
    }
  }
  edgeStart[vertexCount] = written;
  const hi = entries.slice(0, written);
  const lo = new Uint32Array(written);
  for (let v = 0; v < vertexCount; v++) lo.fill(v, edgeStart[v], edgeStart[v + 1]);
  const edgeOf = (u: number, v: number): number =>
    u < v
      ? lowerBound(hi, edgeStart[u]!, edgeStart[u + 1]!, v)
      : lowerBound(hi, edgeStart[v]!, edgeStart[v + 1]!, u);
  const faceEdges = new Uint32Array(corners);
  for (let t = 0; t < corners; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    faceEdges[t] = edgeOf(a, b);
    faceEdges[t + 1] = edgeOf(b, c);
    faceEdges[t + 2] = edgeOf(c, a);
  }
  return { edgeCount: written, lo, hi, faceEdges };
}
