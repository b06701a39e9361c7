import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitToMachines, fitsWithPlateRotation, permute, type Machine } from './machine-fit.js';

const machines: Machine[] = [
  { id: 'small', technology: 'FDM', buildVolumeMm: { x: 100, y: 100, z: 50 } },
  { id: 'tall', technology: 'SLA', buildVolumeMm: { x: 60, y: 60, z: 200 } },
  { id: 'tiny', technology: 'SLS', buildVolumeMm: { x: 30, y: 30, z: 30 } },
];

describe('fitToMachines', () => {
  it('finds the lowest axis permutation that fits each machine', () => {
    const fits = fitToMachines({ x: 40, y: 150, z: 50 }, machines);
    assert.deepEqual(fits[0], { machineId: 'small', technology: 'FDM', fits: false });
    assert.deepEqual(fits[1], {
      machineId: 'tall',
      technology: 'SLA',
      fits: true,
      axes: 'xzy',
      placedSizeMm: { x: 40, y: 50, z: 150 },
    });
    assert.equal(fits[2]!.fits, false);
  });

  it('lays a flat part down to fit a low machine', () => {
    const [small] = fitToMachines({ x: 10, y: 90, z: 95 }, machines);
    assert.equal(small!.fits, true);
    assert.equal(small!.placedSizeMm!.z, 10);
  });

  it('permutes and rotates on the plate', () => {
    assert.deepEqual(permute({ x: 1, y: 2, z: 3 }, 'zxy'), { x: 3, y: 1, z: 2 });
    assert.ok(fitsWithPlateRotation({ x: 90, y: 20, z: 5 }, { x: 30, y: 100, z: 10 }));
    assert.ok(!fitsWithPlateRotation({ x: 90, y: 20, z: 15 }, { x: 30, y: 100, z: 10 }));
  });
});
