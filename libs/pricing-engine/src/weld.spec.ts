import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeBoundingBox } from './mesh-analysis.js';
import { torus } from './testing/mesh-generators.js';
import { toBinaryStl } from './testing/mesh-writers.js';
import { roundHalfUp, VertexWelder, weldSoup, type WeldResult } from './weld.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The welder's contract, written the slow way: a corner joins the vertex of its tolerance
 * cell (Math.round of its offset from the bbox minimum), vertices are numbered and placed at
 * the first corner of their cell, and faces whose corners share a vertex are dropped.
 */
function referenceWeld(soup: Float32Array, tolerance: number): WeldResult {
  const box = computeBoundingBox(soup);
  const inverse = 1 / tolerance;
  const cells = new Map<string, number>();
  const positions: number[] = [];
  const indices: number[] = [];
  let collapsedFaces = 0;
  for (let t = 0; t < soup.length; t += 9) {
    const face: number[] = [];
    for (let k = t; k < t + 9; k += 3) {
      const key = [
        Math.round((soup[k]! - box.min.x) * inverse),
        Math.round((soup[k + 1]! - box.min.y) * inverse),
        Math.round((soup[k + 2]! - box.min.z) * inverse),
      ].join(',');
      let v = cells.get(key);
      if (v === undefined) {
        v = positions.length / 3;
        cells.set(key, v);
        positions.push(soup[k]!, soup[k + 1]!, soup[k + 2]!);
      }
      face.push(v);
    }
    const [a, b, c] = face as [number, number, number];
    if (a === b || b === c || a === c) collapsedFaces++;
    else indices.push(a, b, c);
  }
  return {
    mesh: { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) },
    collapsedFaces,
    toleranceMm: tolerance,
  };
}

/** A soup of `triangles` triangles whose corners come from a small pool, some nudged. */
function noisySoup(triangles: number, pool: number, jitter: number, seed: number): Float32Array {
  const next = random(seed);
  const points = Array.from({ length: pool }, () => [next() * 50, next() * 20 - 10, next() * 5]);
  const soup = new Float32Array(triangles * 9);
  for (let k = 0; k < soup.length; k += 3) {
    // Mostly nearby points (files list neighbouring faces together), sometimes any point.
    const i = next() < 0.8 ? Math.floor((k / soup.length) * pool + next() * 8) % pool : 0;
    const p = points[next() < 0.9 ? i : Math.floor(next() * pool)]!;
    for (let c = 0; c < 3; c++) soup[k + c] = p[c]! + (next() < 0.3 ? (next() - 0.5) * jitter : 0);
  }
  return soup;
}

describe('roundHalfUp', () => {
  it('is Math.round, including ties and the double just below one half', () => {
    const values = [0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.49999999999999994];
    values.push(2 ** 30 - 0.5, 2 ** 52 - 0.5, 1e-300, 123456.49999999999, 7.5000000000000009);
    const next = random(7);
    for (let i = 0; i < 20_000; i++) {
      const v = (next() - 0.3) * 2 ** (next() * 40);
      const half = Math.floor(v) + 0.5;
      values.push(v, half, half - Number.EPSILON * Math.abs(half), half + Number.EPSILON * half);
    }
    for (const v of values) assert.ok(roundHalfUp(v) === Math.round(v), `${v}`);
  });
});

describe('VertexWelder', () => {
  it('numbers, places and merges vertices exactly as the reference, across rehashes', () => {
    for (const [triangles, pool, jitter, tolerance] of [
      [10, 12, 0, 1e-3],
      [5_000, 3_000, 1e-3, 1e-3],
      [40_000, 30_000, 5e-3, 1e-3],
      [40_000, 100_000, 0, 1e-4],
      [20_000, 400, 0.2, 0.05],
    ] as const) {
      const soup = noisySoup(triangles, pool, jitter, triangles + pool);
      const expected = referenceWeld(soup, tolerance);
      const actual = weldSoup(soup, computeBoundingBox(soup), tolerance);
      assert.deepEqual(actual, expected, `${triangles} triangles, pool ${pool}`);
    }
  });

  it('gives the same mesh from binary STL bytes as from the decoded soup, in any chunking', () => {
    const triangles = torus(30, 8, 90, 40);
    const bytes = toBinaryStl(triangles);
    const soup = Float32Array.from(triangles.flat(2));
    const box = computeBoundingBox(soup);
    const fromSoup = weldSoup(soup, box, 1e-3);
    for (const chunk of [1, 7, 1000, triangles.length]) {
      const welder = new VertexWelder(triangles.length, box, 1e-3);
      for (let first = 0; first < triangles.length; first += chunk)
        welder.addBinaryStl(bytes, first, Math.min(chunk, triangles.length - first), 1);
      assert.deepEqual(welder.finish(), fromSoup, `chunks of ${chunk}`);
    }
    assert.equal(fromSoup.mesh.positions.length / 3, 90 * 40);
  });

  it('scales binary STL coordinates to mm as float32, like the decoded soup', () => {
    const triangles = torus(3, 1, 24, 12);
    const bytes = toBinaryStl(triangles);
    const soup = Float32Array.from(Float32Array.from(triangles.flat(2)), (v) => v * 25.4);
    const box = computeBoundingBox(soup);
    const welder = new VertexWelder(triangles.length, box, 1e-3);
    welder.addBinaryStl(bytes, 0, triangles.length, 25.4);
    assert.deepEqual(welder.finish(), weldSoup(soup, box, 1e-3));
  });

  it('merges -0 and 0 into one vertex and drops the faces that collapse', () => {
    const soup = Float32Array.from([
      ...[0, 0, 0, 1, 0, 0, 0, 1, 0],
      ...[-0, 0, -0, 0, 1, 0, 1, 1, 0],
      ...[1, 0, 0, 1, 0, 0, 1, 1, 0],
    ]);
    const { mesh, collapsedFaces } = weldSoup(soup, computeBoundingBox(soup), 1e-3);
    assert.deepEqual([...mesh.indices], [0, 1, 2, 0, 2, 3]);
    assert.equal(mesh.positions.length, 12);
    assert.equal(collapsedFaces, 1);
  });
});
