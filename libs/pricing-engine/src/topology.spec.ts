import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseTopology, type EdgeTopology } from './topology.js';

/** The report written the slow way: a map of undirected edges and a union-find over faces. */
function referenceTopology(indices: Uint32Array, vertexCount: number): EdgeTopology {
  const edges = new Map<string, { uses: number; forward: number }>();
  const parent = Array.from({ length: vertexCount }, (_, v) => v);
  const find = (v: number): number => (parent[v] === v ? v : (parent[v] = find(parent[v]!)));
  const used = new Set<number>();
  for (let t = 0; t < indices.length; t += 3) {
    const face = [indices[t]!, indices[t + 1]!, indices[t + 2]!];
    for (let e = 0; e < 3; e++) {
      const a = face[e]!;
      const b = face[(e + 1) % 3]!;
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      const edge = edges.get(key) ?? { uses: 0, forward: 0 };
      edge.uses++;
      if (a < b) edge.forward++;
      edges.set(key, edge);
      used.add(a);
      parent[find(a)] = find(b);
    }
  }
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let inconsistentEdges = 0;
  for (const { uses, forward } of edges.values()) {
    if (uses === 1) boundaryEdges++;
    else if (uses > 2) nonManifoldEdges++;
    else if (forward !== 1) inconsistentEdges++;
  }
  return {
    edges: edges.size,
    boundaryEdges,
    nonManifoldEdges,
    inconsistentEdges,
    watertight: boundaryEdges === 0 && nonManifoldEdges === 0,
    shells: new Set([...used].map(find)).size,
  };
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

describe('analyseTopology', () => {
  it('matches the reference on random meshes: holes, shared edges, flips, unused vertices', () => {
    for (const [faces, vertices] of [
      [1, 3],
      [50, 20],
      [2_000, 300],
      [20_000, 30_000],
      [30_000, 9_000],
    ] as const) {
      const next = random(faces * 31 + vertices);
      const indices: number[] = [];
      while (indices.length < faces * 3) {
        // Vertices near each other in number, as a welder produces them, plus some far ones.
        const base = Math.floor(next() * vertices);
        const pick = (): number =>
          next() < 0.9 ? (base + Math.floor(next() * 6)) % vertices : Math.floor(next() * vertices);
        const [a, b, c] = [pick(), pick(), pick()];
        if (a !== b && b !== c && a !== c) indices.push(a, b, c);
      }
      const mesh = Uint32Array.from(indices);
      assert.deepEqual(analyseTopology(mesh, vertices), referenceTopology(mesh, vertices));
    }
  });

  it('counts a closed, consistently wound tetrahedron as one watertight shell', () => {
    const tetrahedron = Uint32Array.from([0, 2, 1, 0, 1, 3, 1, 2, 3, 0, 3, 2]);
    assert.deepEqual(analyseTopology(tetrahedron, 4), {
      edges: 6,
      boundaryEdges: 0,
      nonManifoldEdges: 0,
      inconsistentEdges: 0,
      watertight: true,
      shells: 1,
    });
  });

  it('counts separate bodies and ignores vertices no face uses', () => {
    const two = Uint32Array.from([
      0, 2, 1, 0, 1, 3, 1, 2, 3, 0, 3, 2, 5, 7, 6, 5, 6, 8, 6, 7, 8, 5, 8, 7,
    ]);
    const report = analyseTopology(two, 10);
    assert.equal(report.shells, 2);
    assert.equal(report.watertight, true);
  });
});
