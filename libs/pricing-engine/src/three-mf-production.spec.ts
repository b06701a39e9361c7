import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { MeshError } from './errors.js';
import { box, cube, translate, uvSphere } from './testing/mesh-generators.js';
import { toBinaryStl } from './testing/mesh-writers.js';
import { meshXml, modelXml, threeMfPackage, toProduction3mf } from './testing/three-mf-package.js';

const analyse = (bytes: Uint8Array) => analyseModel(bytes).report;

function meshError(bytes: Uint8Array): MeshError {
  try {
    analyseModel(bytes);
  } catch (error) {
    assert.ok(error instanceof MeshError, String(error));
    return error;
  }
  assert.fail('expected a MeshError');
}

describe('3MF production extension (meshes in separate model parts)', () => {
  it('reads a Bambu Studio / OrcaSlicer style package like the same meshes as STL', () => {
    const sphere = uvSphere(5, 32, 16);
    const bytes = toProduction3mf([
      { triangles: cube(10) },
      { triangles: sphere, transform: [1, 0, 0, 0, 1, 0, 0, 0, 1, 30, 5, 5] },
    ]);
    const report = analyse(bytes);
    const stl = analyse(toBinaryStl([...cube(10), ...translate(sphere, [30, 5, 5])]));
    assert.equal(report.format, '3MF');
    assert.ok(Math.abs(report.volumeMm3 - stl.volumeMm3) < 1e-6 * stl.volumeMm3);
    assert.deepEqual(report.bbox, stl.bbox);
    assert.equal(report.topology.shells, 2);
    assert.equal(report.topology.watertight, true);
  });

  it('converts a referenced part written in another unit to the root part’s', () => {
    const report = analyse(toProduction3mf([{ triangles: box(1, 2, 3), unit: 'centimeter' }]));
    assert.equal(report.volumeMm3, 6000);
    assert.deepEqual(report.bbox.max, { x: 10, y: 20, z: 30 });
  });

  it('keeps object ids apart per part, and lets the root point at itself by path', () => {
    const root = modelXml(
      [
        `<object id="1" type="model">${meshXml(cube(10))}</object>`,
        '<object id="2"><components>',
        '<component p:path="/3D/Objects/part.model" objectid="1" transform="1 0 0 0 1 0 0 0 1 20 0 0"/>',
        '<component p:path="/3D/3dmodel.model" objectid="1"/>',
        '</components></object>',
      ].join(''),
      '<item objectid="2"/>',
    );
    const part = modelXml(`<object id="1" type="model">${meshXml(box(2, 2, 2))}</object>`, '');
    const report = analyse(threeMfPackage(root, [{ name: '3D/Objects/part.model', data: part }]));
    assert.equal(report.volumeMm3, 1008);
  });

  it('names a referenced part that is not in the package, and refuses paths below the root', () => {
    const root = modelXml(
      '<object id="2"><components><component p:path="/3D/Objects/gone.model" objectid="1"/></components></object>',
      '<item objectid="2"/>',
    );
    const missing = meshError(threeMfPackage(root));
    assert.equal(missing.code, 'MODEL_PART_MISSING');
    assert.match(missing.message, /"\/3D\/Objects\/gone.model", which it does not contain/);
    const nested = modelXml(
      '<object id="1"><components><component p:path="/3D/Objects/other.model" objectid="1"/></components></object>',
      '',
    );
    const error = meshError(
      threeMfPackage(root.replace('gone', 'nested'), [
        { name: '3D/Objects/nested.model', data: nested },
      ]),
    );
    assert.equal(error.code, 'INVALID_3MF');
    assert.match(
      error.message,
      /referenced part "3D\/Objects\/nested.model" points into another part/,
    );
  });
});
