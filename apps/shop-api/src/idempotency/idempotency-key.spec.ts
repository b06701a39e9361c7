import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, parseIdempotencyKey, requestFingerprint } from './idempotency-key';

describe('Idempotency-Key', () => {
  it('accepts a structured-field string or a bare printable token', () => {
    assert.deepEqual(parseIdempotencyKey('"8e03978e-40d5"'), { ok: true, key: '8e03978e-40d5' });
    assert.deepEqual(parseIdempotencyKey('"with space \\" quote"'), {
      ok: true,
      key: 'with space " quote',
    });
    assert.deepEqual(parseIdempotencyKey('order-2026-12-03#17'), {
      ok: true,
      key: 'order-2026-12-03#17',
    });
    assert.equal(parseIdempotencyKey('x'.repeat(255)).ok, true);
  });

  it('refuses a missing, empty, overlong or non-ASCII key with a reason', () => {
    for (const bad of [undefined, '', '""', 'x'.repeat(256), 'naïve', 'two words', ['a', 'b']]) {
      const r = parseIdempotencyKey(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
      assert.match((r as { reason: string }).reason, /Idempotency-Key/);
    }
  });

  it('fingerprints equal bodies equally, whatever their key order', () => {
    assert.equal(
      canonicalJson({ b: [2, { d: 1, c: 0 }], a: 'x', u: undefined }),
      '{"a":"x","b":[2,{"c":0,"d":1}]}',
    );
    const f = (body: unknown) => requestFingerprint('post', '/b2b/v1/webhooks', body);
    assert.equal(f({ url: 'u', events: ['a'] }), f({ events: ['a'], url: 'u' }));
    assert.notEqual(f({ url: 'u', events: ['a'] }), f({ url: 'v', events: ['a'] }));
    assert.notEqual(f({}), requestFingerprint('POST', '/b2b/v1/other', {}));
  });
});
