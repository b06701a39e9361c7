import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { MeshError } from './errors.js';
import { parseBinaryStl, scanBinaryStl } from './stl-binary-parser.js';
import { cube, uvSphere, type Triangle } from './testing/mesh-generators.js';
import { toBinaryStl } from './testing/mesh-writers.js';

function parseError(bytes: Uint8Array, maxTriangles = 50_000_000): MeshError {
  try {
    analyseModel(bytes, { limits: { maxTriangles } });
  } catch (error) {
    assert.ok(error instanceof MeshError, String(error));
    return error;
  }
  assert.fail('expected a MeshError');
}

describe('parseBinaryStl', () => {
  it('reads 9 coordinates per triangle and applies the unit scale', () => {
    const soup = parseBinaryStl(
      toBinaryStl([
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9.5],
        ],
      ]),
      10,
      100,
    );
    assert.deepEqual([...soup], [10, 20, 30, 40, 50, 60, 70, 80, 95]);
  });

  it('reports a truncated file with the declared and present triangle counts', () => {
    const bytes = toBinaryStl(cube(10)).subarray(0, 84 + 50 * 5 + 10);
    const error = parseError(bytes);
    assert.equal(error.code, 'TRUNCATED');
    assert.deepEqual(error.details, {
      declaredTriangles: 12,
      presentTriangles: 5,
      byteLength: 344,
    });
    assert.match(error.message, /header says 12 triangles but only 5 are present/);
  });

  it('reports trailing bytes as a header/size mismatch', () => {
    const full = toBinaryStl(cube(10));
    const bytes = new Uint8Array(full.length + 7);
    bytes.set(full);
    const error = parseError(bytes);
    assert.equal(error.code, 'TRIANGLE_COUNT_MISMATCH');
    assert.equal(error.details.expectedBytes, 684);
    assert.equal(error.details.byteLength, 691);
  });

  it('rejects an absurd header count before allocating anything', () => {
    const bytes = toBinaryStl(cube(10));
    new DataView(bytes.buffer).setUint32(80, 0xffffffff, true);
    const error = parseError(bytes);
    assert.equal(error.code, 'ABSURD_TRIANGLE_COUNT');
    assert.equal(error.details.declaredTriangles, 4294967295);
    assert.match(error.message, /4,294,967,295 triangles/);
    assert.equal(parseError(toBinaryStl(cube(10)), 11).code, 'ABSURD_TRIANGLE_COUNT');
  });

  it('rejects a file with zero triangles', () => {
    assert.equal(parseError(toBinaryStl([])).code, 'EMPTY_MESH');
  });

  it('rejects NaN and infinite coordinates, naming the triangle', () => {
    const bytes = toBinaryStl(cube(10));
    const view = new DataView(bytes.buffer);
    view.setFloat32(84 + 3 * 50 + 12 + 4, Number.NaN, true);
    const error = parseError(bytes);
    assert.equal(error.code, 'NON_FINITE_COORDINATE');
    assert.equal(error.details.triangle, 4);
    view.setFloat32(84 + 3 * 50 + 12 + 4, 1, true);
    view.setFloat32(84 + 12, Number.POSITIVE_INFINITY, true);
    assert.equal(parseError(bytes).details.triangle, 1);
  });

  it('names the first non-finite coordinate whichever of the nine it is', () => {
    for (let c = 0; c < 9; c++) {
      const bytes = toBinaryStl(cube(10));
      const view = new DataView(bytes.buffer);
      view.setFloat32(84 + 7 * 50 + 12 + 4 * c, Number.NEGATIVE_INFINITY, true);
      if (c < 8) view.setFloat32(84 + 7 * 50 + 12 + 4 * (c + 1), Number.NaN, true);
      const error = parseError(bytes);
      assert.equal(error.code, 'NON_FINITE_COORDINATE');
      assert.equal(error.details.triangle, 8);
      assert.match(error.message, /\(-Infinity\)/);
    }
  });

  it('rejects a finite coordinate that overflows when scaled to mm, quoting the file value', () => {
    const bytes = toBinaryStl(cube(10));
    new DataView(bytes.buffer).setFloat32(84 + 2 * 50 + 12 + 8, 3e38, true);
    assert.throws(
      () => analyseModel(bytes, { unit: 'inch' }),
      (error: MeshError) => error.details.triangle === 3 && /\(3\.0000/.test(error.message),
    );
  });

  it('scans the bounding box of every corner, scaled to mm', () => {
    // Offset corners so the extremes are not always a triangle's first corner.
    const triangles = uvSphere(7, 17, 9).map(([a, b, c]): Triangle => [
      a,
      [b[0] + 3, b[1], b[2]],
      c,
    ]);
    const bytes = toBinaryStl(triangles);
    const soup = parseBinaryStl(bytes, 10, 1000);
    const axis = (k: number) => soup.filter((_, i) => i % 3 === k);
    const box = scanBinaryStl(bytes, triangles.length, 10);
    assert.deepEqual(box.min, {
      x: Math.min(...axis(0)),
      y: Math.min(...axis(1)),
      z: Math.min(...axis(2)),
    });
    assert.deepEqual(box.max, {
      x: Math.max(...axis(0)),
      y: Math.max(...axis(1)),
      z: Math.max(...axis(2)),
    });
  });

  it('keeps the sign of the first zero it meets on an extreme, as a value-by-value scan does', () => {
    const sheet = (first: number, second: number): Uint8Array =>
      toBinaryStl([
        [
          [first, 1, 1],
          [second, 2, 1],
          [1, 1, 1],
        ],
      ]);
    assert.ok(Object.is(scanBinaryStl(sheet(0, -0), 1, 1).min.x, 0));
    assert.ok(Object.is(scanBinaryStl(sheet(-0, 0), 1, 10).min.x, -0));
  });
});
