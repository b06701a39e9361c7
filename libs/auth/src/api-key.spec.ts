import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiKeyMatches, base32, generateApiKey, hashApiKey, parseApiKey } from './api-key';

describe('API keys', () => {
  it('are ff_live_<prefix>_<secret>, unique, with the SHA-256 of the whole key as hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    assert.match(a.key, /^ff_live_[a-z2-7]{10}_[a-z2-7]{52}$/);
    assert.notEqual(a.key, b.key);
    assert.equal(a.key.split('_')[2], a.prefix);
    assert.equal(a.secretHash, hashApiKey(a.key));
    assert.deepEqual(parseApiKey(a.key), { ok: true, prefix: a.prefix });
  });

  it('match only their own hash', () => {
    const a = generateApiKey();
    assert.equal(apiKeyMatches(a.key, a.secretHash), true);
    assert.equal(apiKeyMatches(a.key, generateApiKey().secretHash), false);
    assert.equal(apiKeyMatches(a.key, 'abcd'), false, 'a truncated hash never matches');
    const tampered = a.key.slice(0, -1) + (a.key.endsWith('a') ? 'b' : 'a');
    assert.equal(apiKeyMatches(tampered, a.secretHash), false);
  });

  it('say why a malformed key is refused', () => {
    assert.match((parseApiKey('sk_live_x') as { reason: string }).reason, /starts with "ff_live_"/);
    assert.match((parseApiKey('ff_live_short_x') as { reason: string }).reason, /malformed/);
    assert.equal(parseApiKey('ff_live_ABCDEFGHIJ_' + 'a'.repeat(52)).ok, false, 'upper case');
  });

  it('encode base32 per RFC 4648 (lower case, no padding)', () => {
    assert.equal(base32(Buffer.from('foobar')), 'mzxw6ytboi');
    assert.equal(base32(Buffer.from('f')), 'my');
  });
});
