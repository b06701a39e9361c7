import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeshError } from './errors.js';
import { sniffFormat } from './sniff.js';
import { cube } from './testing/mesh-generators.js';
import { to3mf, toAsciiStl, toBinaryStl } from './testing/mesh-writers.js';

function sniffError(bytes: Uint8Array): string {
  try {
    sniffFormat(bytes);
  } catch (error) {
    assert.ok(error instanceof MeshError);
    return error.code;
  }
  assert.fail('expected a MeshError');
}

describe('sniffFormat', () => {
  it('recognises a binary STL by the size rule even when its header starts with "solid"', () => {
    const bytes = toBinaryStl(cube(10), 'solid looks like ascii');
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 5)), 'solid');
    assert.deepEqual(sniffFormat(bytes), { format: 'STL_BINARY', byteLength: 84 + 12 * 50 });
  });

  it('recognises ASCII STL and 3MF', () => {
    assert.equal(sniffFormat(toAsciiStl(cube(10))).format, 'STL_ASCII');
    assert.equal(sniffFormat(to3mf(cube(10))).format, '3MF');
  });

  it('routes a broken binary file to the binary parser so it can explain the size problem', () => {
    const bytes = toBinaryStl(cube(10)).subarray(0, 300);
    assert.equal(sniffFormat(bytes).format, 'STL_BINARY');
  });

  it('rejects empty files and unknown formats with typed errors', () => {
    assert.equal(sniffError(new Uint8Array(0)), 'EMPTY_FILE');
    assert.equal(
      sniffError(new TextEncoder().encode('v 0 0 0\nv 1 0 0\nf 1 2 3\n')),
      'UNKNOWN_FORMAT',
    );
    assert.equal(sniffError(new Uint8Array([1, 2, 0, 4])), 'UNKNOWN_FORMAT');
  });
});
