import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeshError } from './errors.js';
import { parseAsciiStl } from './stl-ascii-parser.js';
import { cube } from './testing/mesh-generators.js';
import { toAsciiStl } from './testing/mesh-writers.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function parseError(source: string): MeshError {
  try {
    parseAsciiStl(bytes(source), 1, 1000);
  } catch (error) {
    assert.ok(error instanceof MeshError, String(error));
    return error;
  }
  assert.fail('expected a MeshError');
}

/** The cube as ASCII lines; line n of the file is lines[n - 1]. */
const cubeLines = (): string[] => text(toAsciiStl(cube(10))).split('\n');

describe('parseAsciiStl', () => {
  it('parses facets, exponents, signs, CRLF and mixed-case keywords', () => {
    const source = [
      'solid part',
      'FACET NORMAL 0 0 -1',
      ' outer loop',
      '  vertex 1e1 -2.5E-1 +3',
      '  vertex .5 0 0',
      '  vertex 0 1. 0',
      ' endloop',
      'endfacet',
      'endsolid part',
    ].join('\r\n');
    assert.deepEqual([...parseAsciiStl(bytes(source), 2, 10)], [20, -0.5, 6, 1, 0, 0, 0, 2, 0]);
  });

  it('accepts several solids in one file', () => {
    const one = text(toAsciiStl(cube(1)));
    assert.equal(parseAsciiStl(bytes(one + one), 1, 100).length, 2 * 12 * 9);
  });

  it('reports a misspelt keyword with its line number', () => {
    const lines = cubeLines();
    assert.match(lines[10]!, /^\s+vertex /);
    lines[10] = lines[10]!.replace('vertex', 'vertx');
    const error = parseError(lines.join('\n'));
    assert.equal(error.code, 'ASCII_SYNTAX');
    assert.equal(error.details.line, 11);
    assert.match(error.message, /line 11: expected 'vertex' but found 'vertx'/);
  });

  it('reports a malformed number with its line number', () => {
    const lines = cubeLines();
    lines[4] = '      vertex 1.2.3 0 0';
    const error = parseError(lines.join('\n'));
    assert.equal(error.code, 'ASCII_SYNTAX');
    assert.equal(error.details.line, 5);
  });

  it('reports NaN coordinates as non-finite, not as syntax errors', () => {
    const lines = cubeLines();
    lines[11] = '      vertex 0 nan 0';
    const error = parseError(lines.join('\n'));
    assert.equal(error.code, 'NON_FINITE_COORDINATE');
    assert.equal(error.details.line, 12);
    assert.equal(error.details.triangle, 2);
  });

  it('reports a file cut in the middle of a facet as truncated', () => {
    const error = parseError(cubeLines().slice(0, 20).join('\n'));
    assert.equal(error.code, 'TRUNCATED');
  });

  it('rejects a solid without facets and files not starting with solid', () => {
    assert.equal(parseError('solid empty\nendsolid empty\n').code, 'EMPTY_MESH');
    assert.equal(parseError('facet normal 0 0 1\n').code, 'ASCII_SYNTAX');
  });

  it('enforces the triangle limit', () => {
    assert.throws(() => parseAsciiStl(toAsciiStl(cube(1)), 1, 5), { code: 'TOO_MANY_TRIANGLES' });
  });

  it('reports a file cut off anywhere, even inside a keyword or a number, as TRUNCATED', () => {
    const whole = toAsciiStl(cube(10));
    const end = text(whole).lastIndexOf('endsolid');
    const codes = new Map<string, number>();
    for (let cut = text(whole).indexOf('\n') + 1; cut < end; cut++) {
      const code = parseError(text(whole.subarray(0, cut))).code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    assert.deepEqual([...codes.keys()], ['TRUNCATED'], JSON.stringify([...codes]));
    // Inside a keyword: the line of the partial word, and what was expected there.
    const error = parseError(text(whole).slice(0, text(whole).indexOf('vertex') + 4));
    assert.equal(error.details.line, 4);
    assert.match(error.message, /ends unexpectedly at line 4 \(expected vertex\)/);
    // A complete file whose last word is merely misspelt stays a syntax error.
    assert.equal(parseError(`${text(whole).slice(0, end)}endsolidd`).code, 'ASCII_SYNTAX');
  });
});
