import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Machine } from './machine-fit.js';
import { packParts } from './packing.js';

const fdm: Machine = { id: 'fdm', technology: 'FDM', buildVolumeMm: { x: 100, y: 100, z: 100 } };
const sls: Machine = { id: 'sls', technology: 'SLS', buildVolumeMm: { x: 100, y: 100, z: 100 } };

describe('packParts', () => {
  it('packs a plate in 2D and counts the builds', () => {
    const result = packParts({ x: 20, y: 20, z: 10 }, 40, [fdm], '2D', 5);
    // floor((100 + 5) / (20 + 5)) = 4 per axis.
    assert.equal(result.capacity, 16);
    assert.equal(result.partsPerBuild, 16);
    assert.equal(result.builds, 3);
    assert.equal(result.lastBuildParts, 8);
    assert.deepEqual(result.grid, { x: 4, y: 4, z: 1 });
    assert.equal(result.buildHeightMm, 10);
    assert.equal(result.machineId, 'fdm');
  });

  it('turns the footprint on the plate when that fits more', () => {
    const plate: Machine = { ...fdm, buildVolumeMm: { x: 70, y: 100, z: 50 } };
    const result = packParts({ x: 45, y: 20, z: 10 }, 100, [plate], '2D', 5);
    // As is: 1 × 4 copies; turned 90°: 3 × 2.
    assert.equal(result.capacity, 6);
    assert.deepEqual(result.placedSizeMm, { x: 20, y: 45, z: 10 });
  });

  it('nests copies in 3D for powder processes', () => {
    const result = packParts({ x: 20, y: 20, z: 10 }, 50, [sls], '3D', 5);
    assert.equal(result.capacity, 4 * 4 * 7);
    assert.equal(result.builds, 1);
    assert.equal(result.partsPerBuild, 50);
    // 16 per level → 4 levels of 10 mm with 5 mm gaps.
    assert.equal(result.buildHeightMm, 4 * 10 + 3 * 5);
  });

  it('picks the machine with the largest capacity', () => {
    const big: Machine = { ...fdm, id: 'big', buildVolumeMm: { x: 300, y: 300, z: 300 } };
    assert.equal(packParts({ x: 20, y: 20, z: 10 }, 500, [fdm, big], '2D', 5).machineId, 'big');
  });

  it('reports a part that fits nowhere as one copy per build', () => {
    const result = packParts({ x: 200, y: 20, z: 10 }, 3, [fdm], '2D', 5);
    assert.equal(result.fits, false);
    assert.equal(result.machineId, null);
    assert.equal(result.builds, 3);
  });
});
