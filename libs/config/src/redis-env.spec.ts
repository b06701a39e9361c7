import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './define-config';
import { redisEnv } from './redis-env';

describe('redisEnv', () => {
  it('is one local server by default, without Sentinel', () => {
    const cfg = loadConfig(redisEnv, {});
    assert.equal(cfg.REDIS_URL, 'redis://127.0.0.1:6379');
    assert.equal(cfg.REDIS_SENTINELS, undefined);
    assert.equal(cfg.REDIS_SENTINEL_NAME, 'fabflow');
  });

  it('parses the Sentinel list into addresses (names, IPv4, bracketed IPv6)', () => {
    const cfg = loadConfig(redisEnv, {
      REDIS_SENTINELS: 'sentinel-1:26379, 10.0.0.2:26380,[::1]:26381',
      REDIS_SENTINEL_NAME: 'fabflow-prod',
    });
    assert.deepEqual(cfg.REDIS_SENTINELS, [
      { host: 'sentinel-1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
      { host: '::1', port: 26381 },
    ]);
    assert.equal(cfg.REDIS_SENTINEL_NAME, 'fabflow-prod');
  });

  it('names a Sentinel entry that is not host:port', () => {
    for (const bad of ['sentinel-1', 'sentinel-1:0', 'sentinel-1:70000', 'a b:26379', ','])
      assert.throws(() => loadConfig(redisEnv, { REDIS_SENTINELS: bad }), /REDIS_SENTINELS/, bad);
    assert.throws(
      () => loadConfig(redisEnv, { REDIS_SENTINEL_NAME: 'no spaces please' }),
      /REDIS_SENTINEL_NAME/,
    );
  });
});
