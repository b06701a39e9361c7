import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientIp, trustedProxies } from './client-ip';

describe('client IP behind trusted proxies', () => {
  const trusted = trustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);

  it('is the socket peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    assert.equal(clientIp('203.0.113.9', '1.2.3.4', trusted), '203.0.113.9');
    assert.equal(clientIp('::ffff:203.0.113.9', undefined, trusted), '203.0.113.9');
  });

  it('walks X-Forwarded-For from the right past trusted proxies; spoofed entries on the left lose', () => {
    assert.equal(clientIp('10.0.0.2', '198.51.100.7', trusted), '198.51.100.7');
    assert.equal(clientIp('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.5', trusted), '198.51.100.7');
    assert.equal(clientIp('127.0.0.1', ['6.6.6.6', '198.51.100.7'], trusted), '198.51.100.7');
    assert.equal(clientIp('fd00::1', '2001:db8::5', trusted), '2001:db8::5');
  });

  it('stops at the last trusted hop on a malformed entry, and at the leftmost when all are trusted', () => {
    assert.equal(clientIp('10.0.0.2', 'garbage, 10.0.0.7', trusted), '10.0.0.7');
    assert.equal(clientIp('10.0.0.2', '10.0.0.3', trusted), '10.0.0.3');
  });

  it('refuses a bad TRUSTED_PROXIES entry', () => {
    assert.throws(() => trustedProxies(['10.0.0.0/33']), /prefix/);
    assert.throws(() => trustedProxies(['proxy.local']), /not an IP/);
  });
});
