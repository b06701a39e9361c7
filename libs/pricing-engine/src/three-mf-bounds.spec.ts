import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { MeshError } from './errors.js';
import { DEFAULT_PARSE_LIMITS, resolveParseLimits, ZIP_RATIO_FLOOR_BYTES } from './limits.js';
import { newParseWork, type ParseWork } from './parse-work.js';
import { parse3mf } from './three-mf-parser.js';
import {
  componentBomb,
  componentCycle,
  decompressionBomb,
  deepNesting,
  instancingBomb,
  lyingZip,
  overlappingEntries,
} from './testing/hostile-3mf.js';
import { meshXml, modelXml, threeMfPackage } from './testing/three-mf-package.js';
import { cube } from './testing/mesh-generators.js';

/** Parses, expecting a MeshError; returns it with the work done until it was thrown. */
function refuse(bytes: Uint8Array): { error: MeshError; work: ParseWork } {
  const work = newParseWork();
  try {
    parse3mf(bytes, resolveParseLimits(), work);
  } catch (error) {
    assert.ok(error instanceof MeshError, String(error));
    return { error, work };
  }
  assert.fail('expected a MeshError');
}

/**
 * The bound the engine promises, in units of work: objects and component references visited
 * once each (at most one per 10 bytes of XML), nothing placed or emitted before the bounds
 * pass, and at most 1 MiB + 250 bytes decompressed per byte of the file.
 */
function assertBoundedWork(work: ParseWork, fileBytes: number): void {
  assert.ok(
    work.bytesInflated <= ZIP_RATIO_FLOOR_BYTES + 250 * fileBytes,
    `inflated ${work.bytesInflated} bytes from ${fileBytes}`,
  );
  assert.ok(work.objectsBounded + work.componentsFollowed <= work.bytesInflated / 10 + 1);
  assert.equal(work.placementsVisited, 0, 'refused before placing anything');
  assert.equal(work.trianglesEmitted, 0);
}

describe('3MF bounds: hostile files are refused after work proportional to their size', () => {
  it('refuses component bombs of 10^16 placements: empty, support-only and real leaves', () => {
    const cases = [
      { leaf: 'empty', code: 'EMPTY_MESH', reason: /no printable triangles\. Check/ },
      { leaf: 'support', code: 'EMPTY_MESH', reason: /1 object\(s\) are marked as support/ },
      { leaf: 'real', code: 'COMPONENT_LIMIT_EXCEEDED', reason: /places its meshes more than/ },
    ] as const;
    for (const c of cases) {
      const bytes = componentBomb(c.leaf);
      assert.ok(bytes.length < 1600, `${bytes.length} bytes`);
      const { error, work } = refuse(bytes);
      assert.equal(error.code, c.code, c.leaf);
      assert.match(error.message, c.reason);
      // 17 objects and 160 component references, each visited once (a walk: 10^16 + …).
      assert.equal(work.objectsBounded, 17);
      assert.equal(work.componentsFollowed, 160);
      assertBoundedWork(work, bytes.length);
    }
    assert.equal(refuse(componentBomb('real')).error.details.limit, 'placements');
  });

  it('refuses an instancing bomb over the triangles a file of its size may expand to', () => {
    const bytes = instancingBomb();
    const { error, work } = refuse(bytes);
    assert.equal(error.code, 'COMPONENT_LIMIT_EXCEEDED');
    assert.equal(error.details.limit, 'triangles');
    assert.equal(error.details.triangles, 1600 * 3968);
    assert.equal(error.details.maxTriangles, DEFAULT_PARSE_LIMITS.components.baseTriangles);
    assert.match(error.message, /6,348,800 triangles.*order the quantity/);
    assertBoundedWork(work, bytes.length);
    // The same construction within the budget is read, every copy.
    const small = parse3mf(instancingBomb(16, 1, 10), resolveParseLimits());
    assert.equal(small.soup.length / 9, 10 * 2 * 16 * 7);
  });

  it('refuses nesting deeper than 16 components and reads 16', () => {
    const { error, work } = refuse(deepNesting(17));
    assert.equal(error.code, 'COMPONENT_LIMIT_EXCEEDED');
    assert.deepEqual(
      { limit: error.details.limit, depth: error.details.depth },
      { limit: 'depth', depth: 17 },
    );
    assertBoundedWork(work, deepNesting(17).length);
    const work16 = newParseWork();
    assert.equal(parse3mf(deepNesting(16), resolveParseLimits(), work16).soup.length / 9, 4);
    assert.equal(work16.placementsVisited, 17);
  });

  it('finds a component that contains itself, directly or through others', () => {
    for (const [kind, chain] of [
      ['self', ['2', '2']],
      ['through', ['2', '3', '4', '2']],
    ] as const) {
      const bytes = componentCycle(kind);
      const { error, work } = refuse(bytes);
      assert.equal(error.code, 'COMPONENT_CYCLE', kind);
      assert.deepEqual(error.details.objects, chain);
      assert.match(error.message, /object 2 contains itself/);
      assertBoundedWork(work, bytes.length);
    }
  });

  it('checks zip headers against the bytes: sizes that lie either way, disagreeing headers, shared bodies', () => {
    const cases = [
      [lyingZip('smaller'), /larger than its header says/],
      [lyingZip('larger'), /smaller than its header says/],
      [lyingZip('headers-disagree'), /headers of "3D\/3dmodel.model" disagree/],
      [overlappingEntries(), /"3D\/Objects\/alias.model" overlaps "3D\/3dmodel.model"/],
    ] as const;
    for (const [bytes, reason] of cases) {
      const { error, work } = refuse(bytes);
      assert.equal(error.code, 'ZIP_CORRUPT');
      assert.match(error.message, reason);
      assertBoundedWork(work, bytes.length);
    }
  });

  it('refuses decompression bombs: one 1000:1 entry before inflating, many small parts at the budget', () => {
    const one = decompressionBomb('one-entry');
    const first = refuse(one);
    assert.equal(first.error.details.limit, 'compressionRatio');
    assert.equal(first.work.bytesInflated, 0);
    const many = decompressionBomb('many-parts');
    const second = refuse(many);
    assert.equal(second.error.code, 'ZIP_LIMIT_EXCEEDED');
    assert.equal(second.error.details.limit, 'extractedSize');
    assertBoundedWork(second.work, many.length);
    assert.ok(second.work.partsParsed < 64, 'stopped before the last part');
  });

  it('treats the type of an object with components as its parts’ (core spec 4), and prints solid supports', () => {
    const resources = [
      `<object id="1" type="solidsupport">${meshXml(cube(10))}</object>`,
      `<object id="2" type="support"><components><component objectid="1"/></components></object>`,
    ].join('');
    const report = analyseModel(threeMfPackage(modelXml(resources, '<item objectid="2"/>'))).report;
    assert.equal(report.volumeMm3, 1000);
    assert.deepEqual(report.warnings, []);
  });
});
