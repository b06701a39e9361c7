import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  quotaLimitItem,
  quotaPolicyItem,
  rateLimitItem,
  ratePolicyItem,
  retryAfterSeconds,
} from './headers';

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers-11)', () => {
  const rule = { name: 'b2b-growth', limit: 1200, periodSeconds: 60, burst: 40 };

  it('writes RateLimit-Policy and RateLimit as structured-field list items', () => {
    assert.equal(ratePolicyItem(rule), '"b2b-growth";q=1200;w=60;ff-burst=40');
    assert.equal(
      rateLimitItem(rule, {
        allowed: true,
        remaining: 39,
        retryAfterMs: 0,
        resetAfterMs: 50.2,
        degraded: false,
      }),
      '"b2b-growth";r=39;t=1',
    );
    const q = { name: 'quotes-daily', limit: 500 };
    assert.equal(quotaPolicyItem(q), '"quotes-daily";q=500;w=86400');
    assert.equal(
      quotaLimitItem(q, {
        allowed: true,
        limit: 500,
        used: 20,
        remaining: 480,
        resetAfterMs: 3_599_001,
        degraded: false,
      }),
      '"quotes-daily";r=480;t=3600',
    );
  });

  it('escapes what an sf-string cannot hold', () => {
    assert.equal(ratePolicyItem({ ...rule, name: 'a"b\\c' }).split(';')[0], '"a\\"b\\\\c"');
  });

  it('rounds Retry-After up to whole seconds, never to 0', () => {
    assert.equal(retryAfterSeconds(0.3), 1);
    assert.equal(retryAfterSeconds(1000), 1);
    assert.equal(retryAfterSeconds(1001), 2);
  });
});
