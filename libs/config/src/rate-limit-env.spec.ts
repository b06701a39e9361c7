import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './define-config';
import { rateLimitEnv } from './rate-limit-env';

describe('rateLimitEnv', () => {
  it('has defaults that leave X-Forwarded-For untrusted', () => {
    const cfg = loadConfig(rateLimitEnv, {});
    assert.deepEqual(cfg.TRUSTED_PROXIES, []);
    assert.equal(cfg.RATE_LIMIT_INSTANCES, 1);
  });

  it('takes IPs and CIDRs as trusted proxies and names a bad entry', () => {
    const cfg = loadConfig(rateLimitEnv, { TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,fd00::/8' });
    assert.deepEqual(cfg.TRUSTED_PROXIES, ['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', '::1/129'])
      assert.throws(
        () => loadConfig(rateLimitEnv, { TRUSTED_PROXIES: bad }),
        /TRUSTED_PROXIES/,
        bad,
      );
  });
});
