import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newWebhookSecret, SecretBox } from './webhook-crypto';
import { classifyResponse, retryDelayMs } from './webhook-policy';
import { signatureHeader, signPayload, verifySignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"id":"e1","type":"quote.completed"}';
  const secret = newWebhookSecret();

  it('sign t.body with HMAC-SHA256 and verify with the same secret only', () => {
    const header = signatureHeader([secret], 1_700_000_000, body);
    assert.match(header, /^t=1700000000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifySignature(header, secret, body, 1_700_000_010), {
      ok: true,
      timestamp: 1_700_000_000,
    });
    assert.equal(verifySignature(header, newWebhookSecret(), body, 1_700_000_010).ok, false);
    assert.equal(verifySignature(header, secret, body + ' ', 1_700_000_010).ok, false);
  });

  it('refuse an old timestamp (replay) and a missing header', () => {
    const header = signatureHeader([secret], 1_700_000_000, body);
    assert.deepEqual(verifySignature(header, secret, body, 1_700_000_301), {
      ok: false,
      reason: 'timestamp outside the tolerance',
    });
    assert.equal(verifySignature(undefined, secret, body, 0).ok, false);
  });

  it('carry one v1 per secret while a rotated secret overlaps; either verifies', () => {
    const next = newWebhookSecret();
    const header = signatureHeader([next, secret], 1_700_000_000, body);
    assert.equal(header.split(',v1=').length, 3);
    assert.equal(verifySignature(header, secret, body, 1_700_000_000).ok, true);
    assert.equal(verifySignature(header, next, body, 1_700_000_000).ok, true);
    assert.equal(signPayload(secret, 1, 'x').length, 64);
  });

  it('keep secrets encrypted at rest, and refuse a tampered one', () => {
    const box = new SecretBox('k'.repeat(40));
    const sealed = box.seal(secret);
    assert.doesNotMatch(sealed, new RegExp(secret.slice(6, 20)));
    assert.equal(box.open(sealed), secret);
    assert.throws(() => new SecretBox('x'.repeat(40)).open(sealed));
    assert.throws(() => box.open(sealed.slice(0, -2) + 'AA'));
  });
});

describe('webhook delivery policy', () => {
  it('does not follow a redirect: it could point anywhere', () => {
    const r = classifyResponse(302, null);
    assert.equal(r.kind, 'fail');
    assert.match(r.kind === 'fail' ? r.error : '', /redirects are not followed/);
  });

  it('retries connection trouble, 408, 429 and 5xx; not other answers', () => {
    assert.equal(classifyResponse(204, null).kind, 'success');
    for (const s of [408, 429, 500, 502, 503])
      assert.equal(classifyResponse(s, null).kind, 'retry');
    for (const s of [301, 400, 401, 404, 410, 422])
      assert.equal(classifyResponse(s, null).kind, 'fail');
    assert.deepEqual(classifyResponse(429, '3'), {
      kind: 'retry',
      status: 429,
      error: 'HTTP 429',
      retryAfterMs: 3000,
    });
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
    const opts = { baseMs: 1000, maxMs: 60_000 };
    assert.equal(
      retryDelayMs(1, opts, 0, () => 0),
      500,
    );
    assert.equal(
      retryDelayMs(1, opts, 0, () => 1),
      1000,
    );
    assert.equal(
      retryDelayMs(4, opts, 0, () => 1),
      8000,
    );
    assert.equal(
      retryDelayMs(30, opts, 0, () => 1),
      60_000,
    );
    assert.equal(
      retryDelayMs(1, opts, 5000, () => 0),
      5000,
    );
  });
});
