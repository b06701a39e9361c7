import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRedis } from './redis';

describe('createRedis', () => {
  it('connects to REDIS_URL when no Sentinel is configured', () => {
    const r = createRedis(
      { REDIS_URL: 'redis://:secret@redis.local:6380/2' },
      { name: 'test', profile: 'shared', lazyConnect: true },
    );
    assert.equal(r.options.host, 'redis.local');
    assert.equal(r.options.port, 6380);
    assert.equal(r.options.db, 2);
    assert.ok(!r.options.sentinels, 'no Sentinel');
    assert.equal(r.options.connectionName, 'test');
    r.disconnect();
  });

  it('asks the Sentinels for the primary, with REDIS_URL’s credentials and database', () => {
    const r = createRedis(
      {
        REDIS_URL: 'redis://app:p%40ss@ignored:1/3',
        REDIS_SENTINELS: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26380 },
        ],
        REDIS_SENTINEL_NAME: 'fabflow-test',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      },
      { name: 'test', profile: 'blocking', lazyConnect: true },
    );
    assert.deepEqual(r.options.sentinels, [
      { host: 's1', port: 26379 },
      { host: 's2', port: 26380 },
    ]);
    assert.equal(r.options.name, 'fabflow-test');
    assert.equal(r.options.role, 'master');
    assert.equal(r.options.username, 'app');
    assert.equal(r.options.password, 'p@ss');
    assert.equal(r.options.sentinelPassword, 'sentinel-secret');
    assert.equal(r.options.db, 3);
    assert.ok(
      !r.options.failoverDetector,
      'ioredis’ failover detector can end the client for good',
    );
    assert.equal(r.options.maxRetriesPerRequest, null, 'BullMQ needs blocking clients to wait');
    // A write that reaches a demoted primary reconnects (2: and resends); other errors do not.
    const reconnect = r.options.reconnectOnError!;
    assert.equal(reconnect(new Error("READONLY You can't write against a read only replica.")), 2);
    assert.equal(reconnect(new Error('ERR unknown command')), false);
    // A duplicate (a subscriber) follows the same Sentinels.
    const sub = r.duplicate();
    assert.deepEqual(sub.options.sentinels, r.options.sentinels);
    sub.disconnect();
    r.disconnect();
  });

  it('fail-fast clients queue nothing and time out', () => {
    const r = createRedis(
      { REDIS_URL: 'redis://127.0.0.1:6379' },
      { name: 'test', profile: 'fail-fast', commandTimeoutMs: 250, lazyConnect: true },
    );
    assert.equal(r.options.enableOfflineQueue, false);
    assert.equal(r.options.commandTimeout, 250);
    assert.equal(r.options.maxRetriesPerRequest, 0);
    r.disconnect();
  });
});
