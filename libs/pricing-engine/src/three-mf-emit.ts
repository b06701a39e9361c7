import { compose, determinant, type Affine } from './affine.util.js';
import type { ParseWork } from './parse-work.js';
import type { BuildBounds, BuildGraph } from './three-mf-graph.js';
import type { MeshObject } from './three-mf-model.js';

/**
 * Writes the build's triangles into one soup in mm: every placement of every printed mesh,
 * moved by the product of its transforms. Only branches with printed triangles below them are
 * walked (the bounds say which), so the walk visits at most depth × placements objects, all of
 * which the bounds have already allowed.
 */
export function emitBuild(
  graph: BuildGraph,
  bounds: BuildBounds,
  scaleToMm: number,
  work: ParseWork,
): Float32Array {
  const soup = new Float32Array(bounds.triangles * 9);
  let k = 0;
  const place = (node: number, m: Affine): void => {
    work.placementsVisited++;
    if (bounds.ownTriangles[node]! > 0) {
      k = writeMesh(graph.objects[node]!, m, scaleToMm, soup, k);
      work.trianglesEmitted += bounds.ownTriangles[node]!;
    }
    for (const child of graph.children[node]!) {
      if (bounds.trianglesBelow[child.node]! > 0) place(child.node, compose(child.transform, m));
    }
  };
  for (const item of graph.items)
    if (bounds.trianglesBelow[item.node]! > 0) place(item.node, item.transform);
  return soup;
}

function writeMesh(
  o: MeshObject,
  m: Affine,
  scale: number,
  soup: Float32Array,
  at: number,
): number {
  // A mirroring transform turns the winding inside out; swapping two corners restores it.
  const mirrored = determinant(m) < 0;
  let k = at;
  for (let t = 0; t < o.triangleCount; t++) {
    for (let c = 0; c < 3; c++) {
      const corner = mirrored && c > 0 ? 3 - c : c;
      const v = o.triangles[t * 3 + corner]! * 3;
      const x = o.vertices[v]!;
      const y = o.vertices[v + 1]!;
      const z = o.vertices[v + 2]!;
      soup[k++] = (x * m[0]! + y * m[3]! + z * m[6]! + m[9]!) * scale;
      soup[k++] = (x * m[1]! + y * m[4]! + z * m[7]! + m[10]!) * scale;
      soup[k++] = (x * m[2]! + y * m[5]! + z * m[8]! + m[11]!) * scale;
    }
  }
  return k;
}
