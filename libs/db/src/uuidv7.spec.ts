import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UUID_PATTERN, uuidv7 } from './uuidv7';

describe('uuidv7', () => {
  it('has version 7 and the RFC variant, and encodes the time', () => {
    const t = Date.UTC(2026, 0, 1);
    const id = uuidv7(t + 1e9);
    assert.match(id, UUID_PATTERN);
    assert.equal(id[14], '7');
    assert.match(id[19]!, /[89ab]/);
    assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), t + 1e9);
  });

  it('is strictly increasing even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    const sorted = [...ids].sort();
    assert.deepEqual(ids, sorted);
    assert.equal(new Set(ids).size, ids.length);
  });
});
