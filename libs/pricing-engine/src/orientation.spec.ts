import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { searchOrientation } from './orientation.js';
import { rotateVec, rotationPlacingDown } from './rotation.util.js';
import { box, voxels, type Point } from './testing/mesh-generators.js';
import { toBinaryStl } from './testing/mesh-writers.js';

/** A "T" standing upright (crossbar on top), 30 × 30 mm, extruded 40 mm along y. */
function uprightT(): Point[] {
  const cells: Point[] = [];
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 3; x++) cells.push([x, y, 2]);
    cells.push([1, y, 0], [1, y, 1]);
  }
  return cells;
}

describe('rotationPlacingDown', () => {
  it('turns the requested side onto the plate', () => {
    for (const down of [
      { x: 1, y: 0, z: 0 },
      { x: 0, y: -1, z: 0 },
      { x: 0, y: 0, z: 1 },
      { x: 1, y: 1, z: -1 },
    ]) {
      const turned = rotateVec(rotationPlacingDown(down), down);
      const length = Math.hypot(down.x, down.y, down.z);
      assert.ok(Math.abs(turned.x) < 1e-12 && Math.abs(turned.y) < 1e-12);
      assert.ok(Math.abs(turned.z + length) < 1e-12);
    }
    assert.deepEqual(rotationPlacingDown({ x: 0, y: 0, z: -1 }), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});

describe('searchOrientation', () => {
  it('turns an upright T over so its crossbar rests on the plate', () => {
    const { mesh } = analyseModel(toBinaryStl(voxels(uprightT(), 10)));
    const result = searchOrientation(mesh);
    const designed = result.candidates.find((c) => c.label === '-Z')!;
    // Both arms of the crossbar overhang: 2 × (10 × 40) mm² at 20 mm above the plate.
    assert.equal(designed.overhangAreaMm2, 800);
    assert.equal(designed.supportVolumeMm3, 800 * 20);
    assert.equal(result.chosen.label, '+Z');
    assert.equal(result.chosen.overhangAreaMm2, 0);
    assert.equal(result.chosen.supportVolumeMm3, 0);
    assert.equal(result.chosen.heightMm, 30);
    assert.equal(result.candidates.length, 26);
  });

  it('keeps the designed orientation of a box when nothing is better', () => {
    const { mesh } = analyseModel(toBinaryStl(box(50, 50, 10)));
    const result = searchOrientation(mesh);
    assert.equal(result.chosen.label, '-Z');
    assert.deepEqual(result.chosen.sizeMm, { x: 50, y: 50, z: 10 });
  });

  it('prefers an orientation that fits a machine over a cheaper one that does not', () => {
    const { mesh } = analyseModel(toBinaryStl(box(200, 20, 10)));
    const machine = {
      id: 'm',
      technology: 'FDM' as const,
      buildVolumeMm: { x: 50, y: 50, z: 250 },
    };
    const result = searchOrientation(mesh, { machines: [machine] });
    assert.equal(result.chosen.fitsMachine, true);
    assert.equal(Math.round(result.chosen.heightMm), 200);
  });

  it('ignores support for powder processes and minimises height', () => {
    const { mesh } = analyseModel(toBinaryStl(voxels(uprightT(), 10)));
    const result = searchOrientation(mesh, { supportWeight: 0 });
    assert.equal(result.chosen.heightMm, 30);
  });
});
