import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  createTestDatabase,
  createTestVhost,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@fabflow/testing';
import { EffectsTestBed } from './effects-test-bed';

describe('outbox relay (real RabbitMQ and Postgres)', () => {
  let pg: TestDatabase;
  let vhost: TestVhost;
  let bed: EffectsTestBed;

  before(async () => {
    [pg, vhost] = await Promise.all([createTestDatabase('relay'), createTestVhost('relay')]);
    bed = await EffectsTestBed.start(pg.url, vhost.url, 'test.relay');
    await waitFor('broker connection', () => bed.connection.connected);
  });

  after(async () => {
    await bed?.stop();
    await Promise.all([pg?.drop(), vhost?.drop()]);
  });

  it('three relays at once share the rows: each published once, each applied once', async () => {
    const relays = [1, 2, 3].map(() => bed.relay({ batchSize: 20 }));
    for (const r of relays) r.start();
    try {
      await bed.emitOrders(600);
      await waitFor(
        'every row published',
        async () =>
          (await bed.count('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) ===
          0,
      );
      await waitFor(
        'every effect',
        async () => (await bed.count('SELECT count(*)::int AS n FROM effects')) === 600,
      );
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    const published = relays.map((r) => r.published);
    assert.equal(
      published.reduce((a, b) => a + b, 0),
      600,
      `no row published twice (${published.join(' + ')})`,
    );
    assert.ok(
      published.filter((p) => p > 0).length >= 2,
      `the relays shared the work: ${published.join(' + ')}`,
    );
    assert.equal(bed.consumer.counts.duplicates, 0);
    assert.equal(
      await bed.count('SELECT count(DISTINCT order_id)::int AS n FROM effects'),
      600,
      'each order applied once',
    );
  });

  it('deletes published rows once they are past retention', async () => {
    await sql`DELETE FROM outbox`.execute(bed.database.db);
    await bed.emitOrders(10);
    const r = bed.relay({ retentionMs: 300, cleanupIntervalMs: 50 });
    r.start();
    try {
      await waitFor(
        'rows published',
        async () =>
          (await bed.count('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) ===
          0,
      );
      assert.equal(
        await bed.count('SELECT count(*)::int AS n FROM outbox'),
        10,
        'kept while recent',
      );
      await waitFor(
        'published rows deleted after retention',
        async () => (await bed.count('SELECT count(*)::int AS n FROM outbox')) === 0,
        5000,
      );
    } finally {
      await r.stop();
    }
  });
});
