import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { sliceMesh, type SliceLoop, type SlicedLayer } from './slicer.js';
import {
  box,
  cube,
  cylinder,
  frustum,
  torus,
  translate,
  uvSphere,
  voxels,
} from './testing/mesh-generators.js';
import { toBinaryStl } from './testing/mesh-writers.js';
import type { IndexedMesh } from './types.js';

const meshOf = (triangles: Parameters<typeof toBinaryStl>[0]) =>
  analyseModel(toBinaryStl(triangles)).mesh;

/**
 * The loops of every layer the slow, obvious way (the slicer before edge ids): every face tested
 * at every plane, segments chained through a map keyed by the crossed edge's vertex pair.
 */
function referenceLoops(mesh: IndexedMesh, lh: number): SliceLoop[][] {
  const { positions: p, indices: idx } = mesh;
  const n = p.length / 3;
  let [zMin, zMax, cx, cy] = [Infinity, -Infinity, 0, 0];
  for (let i = 0; i < p.length; i += 3) {
    zMin = Math.min(zMin, p[i + 2]!);
    zMax = Math.max(zMax, p[i + 2]!);
    cx += p[i]!;
    cy += p[i + 1]!;
  }
  [cx, cy] = [cx / n, cy / n];
  const point = (u: number, v: number, zp: number): [number, number] => {
    const [lo, hi] = u < v ? [u, v] : [v, u];
    const t = (zp - p[lo * 3 + 2]!) / (p[hi * 3 + 2]! - p[lo * 3 + 2]!);
    return [
      p[lo * 3]! + t * (p[hi * 3]! - p[lo * 3]!) - cx,
      p[lo * 3 + 1]! + t * (p[hi * 3 + 1]! - p[lo * 3 + 1]!) - cy,
    ];
  };
  const layers: SliceLoop[][] = [];
  for (let k = 0; k < Math.ceil((zMax - zMin) / lh - 1e-9); k++) {
    const zp = zMin + (k + 0.5) * lh;
    const segments: { from: string; to: string; start: [number, number]; end: [number, number] }[] =
      [];
    for (let f = 0; f < idx.length; f += 3) {
      const v = [idx[f]!, idx[f + 1]!, idx[f + 2]!];
      const above = v.map((i) => p[i * 3 + 2]! >= zp);
      const c = [0, 1, 2].find(
        (i) => above[i] !== above[(i + 1) % 3] && above[i] !== above[(i + 2) % 3],
      );
      if (c === undefined) continue;
      const [l, n1, n2] = [v[c]!, v[(c + 1) % 3]!, v[(c + 2) % 3]!];
      const [from, to] = above[c] ? [n1, n2] : [n2, n1];
      const key = (u: number): string => `${Math.min(l, u)},${Math.max(l, u)}`;
      segments.push({
        from: key(from),
        to: key(to),
        start: point(l, from, zp),
        end: point(l, to, zp),
      });
    }
    const byStart = new Map(segments.map((s, i) => [s.from, i]));
    const ends = new Set(segments.map((s) => s.to));
    const visited = new Set<number>();
    const loops: SliceLoop[] = [];
    const walk = (start: number): void => {
      const points: number[] = [];
      let [current, closed] = [start, false];
      for (;;) {
        visited.add(current);
        points.push(segments[current]!.start[0] + cx, segments[current]!.start[1] + cy);
        const next = byStart.get(segments[current]!.to);
        if (next === start) {
          closed = true;
          break;
        }
        if (next === undefined || visited.has(next)) {
          points.push(segments[current]!.end[0] + cx, segments[current]!.end[1] + cy);
          break;
        }
        current = next;
      }
      loops.push({ points: Float64Array.from(points), closed });
    };
    segments.forEach((s, i) => !visited.has(i) && !ends.has(s.from) && walk(i));
    segments.forEach((_, i) => !visited.has(i) && walk(i));
    layers.push(loops);
  }
  return layers;
}

/** Total length of the loops, closing the closed ones. */
function polygonLength(loops: readonly SliceLoop[]): number {
  let length = 0;
  for (const { points, closed } of loops) {
    const n = points.length / 2;
    for (let i = 0; i < (closed ? n : n - 1); i++) {
      const j = (i + 1) % n;
      length += Math.hypot(
        points[j * 2]! - points[i * 2]!,
        points[j * 2 + 1]! - points[i * 2 + 1]!,
      );
    }
  }
  return length;
}

function sliceLayers(mesh: IndexedMesh, lh: number): SlicedLayer[] {
  const layers: SlicedLayer[] = [];
  sliceMesh(mesh, { layerHeightMm: lh, onLayer: (layer) => layers.push(layer) });
  return layers;
}

describe('sliceMesh', () => {
  it('cuts a cube into layers whose perimeter is 4 × side and area side²', () => {
    const summary = sliceMesh(meshOf(cube(10)), { layerHeightMm: 0.2 });
    assert.equal(summary.layerCount, 50);
    for (let k = 0; k < 50; k++) {
      assert.ok(Math.abs(summary.layerPerimeterMm[k]! - 40) < 1e-9);
      assert.ok(Math.abs(summary.layerAreaMm2[k]! - 100) < 1e-9);
    }
    assert.equal(summary.loopCount, 50);
    assert.equal(summary.openLoopCount, 0);
    assert.ok(Math.abs(summary.totalPerimeterMm - 2000) < 1e-6);
  });

  it('slices an offset box with counter-clockwise outer contours', () => {
    const layers: SlicedLayer[] = [];
    const summary = sliceMesh(meshOf(box(10, 20, 5, [3, -4, 2])), {
      layerHeightMm: 0.2,
      onLayer: (layer) => layers.push(layer),
    });
    assert.equal(summary.layerCount, 25);
    assert.equal(layers[0]!.z, 2.1);
    assert.ok(
      layers.every((l) => Math.abs(l.perimeterMm - 60) < 1e-9 && Math.abs(l.areaMm2 - 200) < 1e-9),
    );
    const loop = layers[7]!.loops[0]!;
    assert.equal(loop.closed, true);
    // Each side quad is two triangles, so the plane crosses 8 triangles: 8 segments.
    assert.equal(loop.points.length, 16);
    let twiceArea = 0;
    for (let i = 0; i < 8; i++) {
      const j = (i + 1) % 8;
      twiceArea +=
        loop.points[i * 2]! * loop.points[j * 2 + 1]! -
        loop.points[j * 2]! * loop.points[i * 2 + 1]!;
    }
    assert.ok(Math.abs(twiceArea / 2 - 200) < 1e-9);
  });

  it('finds the hole of a torus and subtracts its area', () => {
    const R = 30;
    const r = 8;
    const layers: SlicedLayer[] = [];
    sliceMesh(meshOf(translate(torus(R, r, 64, 32), [0, 0, r])), {
      layerHeightMm: 0.5,
      onLayer: (layer) => layers.push(layer),
    });
    const middle = layers[Math.floor(layers.length / 2)]!;
    assert.equal(middle.loops.length, 2);
    assert.ok(middle.loops.every((l) => l.closed));
    // Annulus between radii R ± r (slightly less: inscribed polygons, plane off-centre).
    const annulus = Math.PI * ((R + r) ** 2 - (R - r) ** 2);
    assert.ok(middle.areaMm2 > 0.97 * annulus && middle.areaMm2 < annulus);
  });

  it('slices a closed sphere into closed loops and reports progress', () => {
    const fractions: number[] = [];
    const summary = sliceMesh(meshOf(uvSphere(10, 40, 20)), {
      layerHeightMm: 0.3,
      onProgress: (f) => fractions.push(f),
    });
    assert.equal(summary.layerCount, 67);
    assert.equal(summary.openLoopCount, 0);
    assert.equal(summary.loopCount, 67);
    assert.equal(fractions.at(-1), 1);
  });

  it('reports open contours on an open mesh', () => {
    const summary = sliceMesh(meshOf(cube(10).slice(0, 10)), { layerHeightMm: 1 });
    assert.ok(summary.openLoopCount > 0);
  });

  for (const [name, triangles, lh] of [
    ['a torus', translate(torus(30, 8, 64, 32), [0, 0, 8]), 0.37],
    ['a sphere', uvSphere(10, 40, 20), 0.3],
    ['an open cube', cube(10).slice(0, 10), 1],
    ['two bodies', [...cube(10), ...translate(uvSphere(5, 30, 15), [20, 5, 5])], 0.2],
  ] as const) {
    it(`chains ${name} by edge ids into the loops a float-keyed map of edges gives`, () => {
      const mesh = meshOf(triangles);
      const layers = sliceLayers(mesh, lh);
      const reference = referenceLoops(mesh, lh);
      assert.equal(layers.length, reference.length);
      layers.forEach((layer, k) => {
        if (!layer.repeatsPrevious) assert.deepEqual(layer.loops, reference[k], `layer ${k}`);
        // A repeated layer (a sphere's equator band has vertical facets) keeps the loops of
        // the layer before, which are the same polygons.
        else assert.ok(Math.abs(polygonLength(reference[k]!) - layer.perimeterMm) < 1e-9);
      });
    });
  }

  it('builds a faceted prism once and repeats it on every other layer', () => {
    const mesh = meshOf(cylinder(20, 30, 2000));
    const layers = sliceLayers(mesh, 0.2);
    assert.equal(layers.length, 150);
    // Work: the 4000 crossings of layer 0 and of the last layer (the one check for the whole
    // run), not 150 × 4000.
    assert.equal(sliceMesh(mesh, { layerHeightMm: 0.2 }).crossingsComputed, 2 * 4000);
    const built = layers.filter((l) => !l.repeatsPrevious);
    assert.deepEqual(
      built.map((l) => l.index),
      [0],
    );
    assert.ok(layers.every((l) => l.loops === layers[0]!.loops));
    // The facet diagonals' crossings move from layer to layer, but they are not corners:
    // the contour is the same 2000-gon (perimeter 2000 × chord).
    const chord = 2 * 20 * Math.sin(Math.PI / 2000);
    assert.ok(Math.abs(layers[149]!.perimeterMm - 2000 * chord) < 1e-6);
    assert.ok(Math.abs(layers[149]!.z - 29.9) < 1e-9);
  });

  it('slices again where a vertex lies between two planes, and where walls slope', () => {
    // Two stacked voxels: the vertices at z = 10 end the first run of repeats.
    const stacked = sliceLayers(
      meshOf(
        voxels(
          [
            [0, 0, 0],
            [0, 0, 1],
          ],
          10,
        ),
      ),
      0.3,
    );
    assert.deepEqual(
      stacked.filter((l) => !l.repeatsPrevious).map((l) => l.index),
      [0, 33],
    );
    // A frustum's corners move inwards at every layer: nothing repeats.
    const cone = sliceLayers(meshOf(frustum(20, 10, 10, 400)), 0.2);
    assert.equal(cone.filter((l) => l.repeatsPrevious).length, 0);
    assert.ok(cone.every((l, k) => k === 0 || l.areaMm2 < cone[k - 1]!.areaMm2));
  });
});
