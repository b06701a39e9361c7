import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listingPage, type ListingQuery } from './listing';
import type { StoredObject } from './object-store';

const objects = (keys: string[]): StoredObject[] =>
  keys.map((key) => ({ key, size: 1, etag: '"x"', contentType: 'x', lastModified: '' }));
const BUCKET = objects(['a/1', 'a/2', 'b/1', 'c', 'd/e/f', 'é']);
const page = (q: Partial<ListingQuery>) => {
  const p = listingPage(BUCKET, { prefix: '', delimiter: '', after: '', maxKeys: 1000, ...q });
  return {
    keys: p.objects.map((o) => o.key),
    prefixes: p.commonPrefixes,
    truncated: p.truncated,
    last: p.last,
  };
};

describe('bucket listing pages (as S3 computes them)', () => {
  it('lists keys in UTF-8 byte order under a prefix', () => {
    assert.deepEqual(page({}).keys, ['a/1', 'a/2', 'b/1', 'c', 'd/e/f', 'é']);
    assert.deepEqual(page({ prefix: 'a/' }).keys, ['a/1', 'a/2']);
  });

  it('rolls keys up to common prefixes at the first delimiter after the prefix', () => {
    assert.deepEqual(page({ delimiter: '/' }), {
      keys: ['c', 'é'],
      prefixes: ['a/', 'b/', 'd/'],
      truncated: false,
      last: 'é',
    });
    assert.deepEqual(page({ delimiter: '/', prefix: 'd/' }).prefixes, ['d/e/']);
  });

  it('counts a common prefix as one entry of max-keys and resumes after it', () => {
    const first = page({ delimiter: '/', maxKeys: 2 });
    assert.deepEqual(first, { keys: [], prefixes: ['a/', 'b/'], truncated: true, last: 'b/' });
    const second = page({ delimiter: '/', maxKeys: 2, after: first.last });
    assert.deepEqual(second, { keys: ['c'], prefixes: ['d/'], truncated: true, last: 'd/' });
    const third = page({ delimiter: '/', maxKeys: 2, after: second.last });
    assert.deepEqual(third, { keys: ['é'], prefixes: [], truncated: false, last: 'é' });
  });

  it('gives an empty, untruncated page for max-keys 0 (a client looping on it would never end)', () => {
    assert.deepEqual(page({ maxKeys: 0 }), {
      keys: [],
      prefixes: [],
      truncated: false,
      last: undefined,
    });
  });
});
