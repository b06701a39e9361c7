import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RevocationList, REVOCATION_TTL_MS } from '@fabflow/auth';
import { createLogger } from '@fabflow/observability';
import { PrivateRedis, uniqueName, waitFor } from '@fabflow/testing';
import { RevocationFeed } from './revocation-feed';

/* Revocations between instances through a real (private) Redis. */

describe('RevocationFeed (real Redis)', () => {
  let redis: PrivateRedis;
  const clients: Redis[] = [];
  const feeds: RevocationFeed[] = [];
  const prefix = uniqueName('auth');
  const logger = createLogger({ service: 't', level: 'silent' });

  /** One service instance: its own Redis client, list and feed. */
  function instance() {
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    clients.push(client);
    const list = new RevocationList();
    const feed = new RevocationFeed(client, list, logger, prefix);
    feeds.push(feed);
    feed.onApplicationBootstrap();
    return { list, feed, client };
  }

  before(async () => {
    redis = await PrivateRedis.start();
  });
  after(async () => {
    for (const f of feeds) f.onApplicationShutdown();
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });

  it('reaches every running instance at once, and one that starts later from the keys', async () => {
    const [a, b] = [instance(), instance()];
    await waitFor(
      'b subscribed',
      async () => (await a.client.pubsub('NUMSUB', `${prefix}:revocations`))[1] === 2,
    );
    // Both have read the keys they found at start: what b learns now, it hears.
    await new Promise((r) => setTimeout(r, 500));
    const at = Date.now();
    const started = performance.now();
    assert.equal(await a.feed.revoke('fabflow-crm', 'u1', at), true);
    assert.equal(
      a.list.isRevoked('fabflow-crm', 'u1', Math.floor(at / 1000)),
      true,
      'here at once',
    );
    await waitFor(
      'b to hear it',
      () => b.list.isRevoked('fabflow-crm', 'u1', Math.floor(at / 1000)),
      1000,
      1,
    );
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `pushed in ${ms.toFixed(1)} ms`);
    assert.equal(b.list.isRevoked('fabflow-crm', 'u2', Math.floor(at / 1000)), false);

    const ttl = await a.client.pttl(`${prefix}:revoked:fabflow-crm:u1`);
    assert.ok(ttl > REVOCATION_TTL_MS - 5000 && ttl <= REVOCATION_TTL_MS, `key lives ${ttl} ms`);

    const late = instance();
    await waitFor('the late instance to read the keys', () =>
      late.list.isRevoked('fabflow-crm', 'u1', Math.floor(at / 1000)),
    );
  });

  it('says when Redis did not take it (the access-token lifetime is then the bound), and still applies it here', async () => {
    const a = instance();
    await redis.stop();
    try {
      const at = Date.now();
      assert.equal(await a.feed.revoke('fabflow-crm', 'u3', at), false);
      assert.equal(a.list.isRevoked('fabflow-crm', 'u3', Math.floor(at / 1000)), true);
    } finally {
      await redis.startServer();
    }
  });
});
