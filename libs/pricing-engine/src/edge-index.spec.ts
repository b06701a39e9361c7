import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { buildEdgeIndex } from './edge-index.js';
import { cylinder, torus, uvSphere } from './testing/mesh-generators.js';
import { toBinaryStl } from './testing/mesh-writers.js';

const meshOf = (triangles: Parameters<typeof toBinaryStl>[0]) =>
  analyseModel(toBinaryStl(triangles)).mesh;

describe('buildEdgeIndex', () => {
  for (const [name, triangles] of [
    ['a torus', torus(30, 8, 48, 24)],
    ['a sphere (poles of high degree)', uvSphere(10, 64, 16)],
    ['a cylinder (fan centres of degree 500)', cylinder(20, 10, 500)],
  ] as const) {
    it(`numbers every undirected edge of ${name} once, as a map of vertex pairs would`, () => {
      const { indices, positions } = meshOf(triangles);
      const index = buildEdgeIndex(indices, positions.length / 3);
      const reference = new Map<string, number>();
      for (let t = 0; t < indices.length; t++) {
        const a = indices[t]!;
        const b = indices[t % 3 === 2 ? t - 2 : t + 1]!;
        const key = `${Math.min(a, b)},${Math.max(a, b)}`;
        const id = index.faceEdges[t]!;
        assert.equal(reference.get(key) ?? id, id, `corner ${t}: one id per edge`);
        reference.set(key, id);
        assert.deepEqual([index.lo[id], index.hi[id]], [Math.min(a, b), Math.max(a, b)]);
      }
      assert.equal(index.edgeCount, reference.size);
      assert.equal(
        new Set(reference.values()).size,
        reference.size,
        'distinct edges, distinct ids',
      );
    });
  }
});
