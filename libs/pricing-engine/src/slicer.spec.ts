import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { sliceMesh, type SlicedLayer } from './slicer.js';
import { box, cube, torus, translate, uvSphere } from './testing/mesh-generators.js';
import { toBinaryStl } from './testing/mesh-writers.js';

const meshOf = (triangles: Parameters<typeof toBinaryStl>[0]) =>
  analyseModel(toBinaryStl(triangles)).mesh;

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
});
