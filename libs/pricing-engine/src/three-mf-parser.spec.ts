import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { MeshError } from './errors.js';
import { resolveParseLimits } from './limits.js';
import { parse3mf } from './three-mf-parser.js';
import { box, cube } from './testing/mesh-generators.js';
import { to3mf, to3mfModelXml, toBinaryStl } from './testing/mesh-writers.js';
import { createZip } from './testing/zip-writer.js';

const RELS =
  '<Relationships><Relationship Target="/3D/other.model" Id="r" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>';

function meshError(
  bytes: Uint8Array,
  limits?: Parameters<typeof resolveParseLimits>[0],
): MeshError {
  try {
    parse3mf(bytes, resolveParseLimits(limits));
  } catch (error) {
    assert.ok(error instanceof MeshError, String(error));
    return error;
  }
  assert.fail('expected a MeshError');
}

/** Offset of the central-directory record of `name`, to tamper with it. */
function centralRecord(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.length);
  let p = view.getUint32(zip.length - 22 + 16, true);
  for (;;) {
    const nameLength = view.getUint16(p + 28, true);
    const entryName = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLength));
    if (entryName === name) return p;
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
}

const volumeOf = (bytes: Uint8Array): number => analyseModel(bytes).report.volumeMm3;

describe('parse3mf', () => {
  it('gives the same volume as the STL of the same cube, stored or deflated', () => {
    const stl = volumeOf(toBinaryStl(cube(10)));
    assert.equal(stl, 1000);
    assert.equal(volumeOf(to3mf(cube(10))), stl);
    assert.equal(volumeOf(to3mf(cube(10), { compression: 'store' })), stl);
    const report = analyseModel(to3mf(cube(10))).report;
    assert.equal(report.format, '3MF');
    assert.equal(report.topology.watertight, true);
  });

  it('honours the model unit', () => {
    assert.equal(volumeOf(to3mf(cube(1), { unit: 'centimeter' })), 1000);
    assert.equal(volumeOf(to3mf(cube(1000), { unit: 'micron' })), 1);
    assert.ok(Math.abs(volumeOf(to3mf(cube(1), { unit: 'inch' })) - 25.4 ** 3) < 1e-6 * 25.4 ** 3);
    assert.equal(analyseModel(to3mf(cube(1), { unit: 'meter' })).report.sourceUnit, 'meter');
  });

  it('applies build item transforms, keeping mirrored parts outside-out', () => {
    const moved = analyseModel(
      to3mf(box(10, 20, 30), { transform: [-1, 0, 0, 0, 1, 0, 0, 0, 2, 5, 0, 0] }),
    ).report;
    assert.equal(moved.volumeMm3, 12000);
    assert.equal(moved.invertedWindingFixed, false);
    assert.deepEqual(moved.bbox.min, { x: -5, y: 0, z: 0 });
    assert.deepEqual(moved.bbox.max, { x: 5, y: 20, z: 60 });
  });

  it('follows _rels/.rels to the model part', () => {
    const zip = createZip([
      { name: '_rels/.rels', data: RELS },
      { name: '3D/other.model', data: to3mfModelXml(cube(2)) },
    ]);
    assert.equal(volumeOf(zip), 8);
  });

  it('rejects a DOCTYPE or ENTITY declaration', () => {
    const prolog = '<?xml version="1.0"?>\n<!DOCTYPE model [<!ENTITY lol "lololol">]>';
    const error = meshError(to3mf(cube(10), { prolog }));
    assert.equal(error.code, 'XML_DTD_FORBIDDEN');
    assert.equal(error.details.line, 2);
  });

  it('rejects an entry whose compression ratio looks like a zip bomb', () => {
    const bomb = createZip([{ name: '3D/3dmodel.model', data: new Uint8Array(20 * 1024 * 1024) }]);
    const view = new DataView(bomb.buffer);
    const record = centralRecord(bomb, '3D/3dmodel.model');
    assert.ok(view.getUint32(record + 24, true) / view.getUint32(record + 20, true) > 250);
    const error = meshError(bomb);
    assert.equal(error.code, 'ZIP_LIMIT_EXCEEDED');
    assert.equal(error.details.limit, 'compressionRatio');
  });

  it('never inflates beyond the declared size', () => {
    const zip = to3mf(cube(10));
    const record = centralRecord(zip, '3D/3dmodel.model');
    const view = new DataView(zip.buffer);
    const declared = view.getUint32(record + 24, true) - 100;
    // Both headers tell the same lie, so only the inflation itself can catch it.
    view.setUint32(record + 24, declared, true);
    view.setUint32(view.getUint32(record + 42, true) + 22, declared, true);
    const error = meshError(zip);
    assert.equal(error.code, 'ZIP_CORRUPT');
    assert.match(error.message, /larger than its header says/);
  });

  it('rejects oversized entries, too many entries and too much total data', () => {
    assert.equal(
      meshError(to3mf(cube(10)), { zip: { maxEntryBytes: 100 } }).details.limit,
      'entrySize',
    );
    assert.equal(meshError(to3mf(cube(10)), { zip: { maxEntries: 2 } }).details.limit, 'entries');
    assert.equal(
      meshError(to3mf(cube(10)), { zip: { maxTotalBytes: 1000 } }).details.limit,
      'totalSize',
    );
  });

  it('rejects encrypted entries and unsupported compression methods', () => {
    const encrypted = to3mf(cube(10));
    const view = new DataView(encrypted.buffer);
    view.setUint16(centralRecord(encrypted, '3D/3dmodel.model') + 8, 1, true);
    assert.equal(meshError(encrypted).code, 'ZIP_ENCRYPTED');
    const bzip2 = to3mf(cube(10));
    new DataView(bzip2.buffer).setUint16(centralRecord(bzip2, '3D/3dmodel.model') + 10, 12, true);
    assert.equal(meshError(bzip2).code, 'ZIP_UNSUPPORTED');
  });

  it('detects a corrupted checksum and a missing directory', () => {
    const zip = to3mf(cube(10), { compression: 'store' });
    const record = centralRecord(zip, '3D/3dmodel.model');
    const view = new DataView(zip.buffer);
    view.setUint32(record + 16, view.getUint32(record + 16, true) ^ 1, true);
    assert.equal(meshError(zip).code, 'ZIP_CORRUPT');
    assert.equal(meshError(to3mf(cube(10)).subarray(0, 200)).code, 'ZIP_CORRUPT');
  });

  it('reports a package without a model part', () => {
    assert.equal(
      meshError(createZip([{ name: 'readme.txt', data: 'hello' }])).code,
      'MODEL_PART_MISSING',
    );
  });

  it('rejects out-of-range vertex indices, bad numbers and unknown units', () => {
    const badIndex = to3mfModelXml(cube(1)).replace('v3="2"', 'v3="99"');
    assert.equal(
      meshError(createZip([{ name: '3D/3dmodel.model', data: badIndex }])).code,
      'INVALID_3MF',
    );
    const badNumber = to3mfModelXml(cube(1)).replace('x="1"', 'x="1,5"');
    const error = meshError(createZip([{ name: '3D/3dmodel.model', data: badNumber }]));
    assert.equal(error.code, 'INVALID_3MF');
    assert.equal(error.details.attribute, 'x');
    assert.equal(meshError(to3mf(cube(1), { unit: 'parsec' as 'meter' })).code, 'INVALID_3MF');
  });

  it('resolves components with their transforms', () => {
    const xml = to3mfModelXml(cube(1))
      .replace(
        '</resources>',
        '<object id="2"><components><component objectid="1" transform="1 0 0 0 1 0 0 0 1 0 0 0"/><component objectid="1" transform="3 0 0 0 3 0 0 0 3 5 0 0"/></components></object></resources>',
      )
      .replace('<item objectid="1"/>', '<item objectid="2"/>');
    const report = analyseModel(createZip([{ name: '3D/3dmodel.model', data: xml }])).report;
    assert.equal(report.volumeMm3, 28);
    assert.equal(report.topology.shells, 2);
  });
});
