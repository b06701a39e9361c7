import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sniffModelFormat, SNIFF_BYTES } from './model-format';

/** A binary STL of `n` triangles (header text `header`), cut to `size` bytes if given. */
function binaryStl(n: number, header = 'binary stl from a test', size?: number): Buffer {
  const buf = Buffer.alloc(84 + 50 * n);
  buf.write(header, 0, 'latin1');
  buf.writeUInt32LE(n, 80);
  for (let i = 0; i < n; i++) buf.writeFloatLE(1.5 * i, 84 + 50 * i + 12);
  return size === undefined ? buf : buf.subarray(0, size);
}

const sniff = (file: Buffer) => sniffModelFormat(file.subarray(0, SNIFF_BYTES), file.length);

describe('model format sniffing', () => {
  it('recognises binary STL by its size, even with a header starting with "solid"', () => {
    assert.deepEqual(sniff(binaryStl(12)), { ok: true, format: 'STL_BINARY' });
    assert.deepEqual(sniff(binaryStl(40, 'solid part exported by a CAD tool')), {
      ok: true,
      format: 'STL_BINARY',
    });
  });

  it('recognises ASCII STL and 3MF (a zip)', () => {
    const ascii = Buffer.from(
      'solid cube\n  facet normal 0 0 1\n    outer loop\n      vertex 0 0 0\n' +
        '      vertex 1 0 0\n      vertex 0 1 0\n    endloop\n  endfacet\nendsolid cube\n',
    );
    assert.deepEqual(sniff(ascii), { ok: true, format: 'STL_ASCII' });
    assert.deepEqual(sniff(Buffer.concat([Buffer.from('\r\n  '), ascii])), {
      ok: true,
      format: 'STL_ASCII',
    });
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200)]);
    assert.deepEqual(sniff(zip), { ok: true, format: '3MF' });
  });

  it('calls a cut-off binary STL truncated, saying how big it should be', () => {
    const r = sniff(binaryStl(100, 'part', 84 + 50 * 60));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'TRUNCATED');
    assert.match(
      !r.ok ? r.reason : '',
      /100 triangles, which takes 5084 bytes, but it has only 3084/,
    );
    assert.match(!r.ok ? r.reason : '', /export the model/);
  });

  it('refuses a binary STL with extra bytes or no triangles as damaged', () => {
    const longer = Buffer.concat([binaryStl(10), Buffer.alloc(7)]);
    const r = sniff(longer);
    assert.equal(!r.ok && r.code, 'DAMAGED');
    const empty = sniff(binaryStl(0));
    assert.equal(!empty.ok && empty.code, 'DAMAGED');
    assert.match(!empty.ok ? empty.reason : '', /no triangles/);
  });

  it('refuses what is no model at all with an actionable reason', () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)),
    ]);
    for (const file of [png, Buffer.from('hello, this is a text file'), Buffer.from('so')]) {
      const r = sniff(file);
      assert.equal(!r.ok && r.code, 'UNKNOWN_FORMAT', file.subarray(0, 20).toString('latin1'));
      assert.match(!r.ok ? r.reason : '', /binary or ASCII STL, or 3MF/);
    }
  });
});
