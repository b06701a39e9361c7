import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { uuidv7 } from '@fabflow/db';
import {
  createTestDatabase,
  createTestVhost,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@fabflow/testing';
import { envelopeHeaders, newEnvelope } from './envelope';
import { EffectsTestBed } from './effects-test-bed';
import type { RelayBatchTiming } from './outbox-relay';

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

  it('reports each confirmed batch with its ids and its steps in time order (onBatch)', async () => {
    await sql`DELETE FROM outbox`.execute(bed.database.db);
    await bed.emitOrders(25);
    const ids = (
      await sql<{ id: string }>`SELECT id FROM outbox WHERE published_at IS NULL`.execute(
        bed.database.db,
      )
    ).rows.map((r) => r.id);
    const batches: RelayBatchTiming[] = [];
    const r = bed.relay({ batchSize: 10, onBatch: (b) => batches.push(b) });
    r.start();
    try {
      await waitFor(
        'every row reported',
        () => batches.reduce((n, b) => n + b.published.length, 0) >= 25,
      );
    } finally {
      await r.stop();
    }
    assert.deepEqual(
      batches.map((b) => b.published.length),
      [10, 10, 5],
      'full batches, then the rest',
    );
    assert.deepEqual(new Set(batches.flatMap((b) => b.published)), new Set(ids));
    for (const b of batches) {
      assert.deepEqual(b.unroutable, []);
      assert.ok(
        b.claimStartedAt <= b.publishStartedAt &&
          b.publishStartedAt <= b.confirmedAt &&
          b.confirmedAt <= b.committedAt,
        `claim ≤ publish ≤ confirm ≤ commit: ${JSON.stringify(b)}`,
      );
    }
  });

  it('a row no queue is bound for stays in the outbox without holding back the others', async () => {
    await sql`DELETE FROM outbox`.execute(bed.database.db);
    const effectsBefore = await bed.count('SELECT count(*)::int AS n FROM effects');
    const duplicatesBefore = bed.consumer.counts.duplicates;
    // An event nobody has subscribed to yet (its consumer has never started).
    const unbound = newEnvelope({
      type: 'fabflow.crm.test.unbound.v1',
      source: 'fabflow/crm',
      subject: uuidv7(),
      version: 1,
      data: {},
    });
    await sql`INSERT INTO outbox (id, exchange, routing_key, type, subject, aggregate_version, payload, headers)
      VALUES (${unbound.id}, 'crm.events', 'test.unbound', ${unbound.type}, ${unbound.subject}, 1,
        '{}'::jsonb, ${JSON.stringify(envelopeHeaders(unbound))}::jsonb)`.execute(bed.database.db);
    await bed.emitOrders(30);
    const r = bed.relay({ batchSize: 100 });
    r.start();
    try {
      await waitFor(
        'the routable rows applied and marked published',
        async () =>
          (await bed.count('SELECT count(*)::int AS n FROM effects')) === effectsBefore + 30 &&
          (await bed.count('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) ===
            1,
      );
      // A few more wakes: routed rows are not published again alongside the unroutable one.
      await bed.emitOrders(5);
      await waitFor(
        'the later rows too',
        async () =>
          (await bed.count('SELECT count(*)::int AS n FROM effects')) === effectsBefore + 35,
      );
    } finally {
      await r.stop();
    }
    const row = (
      await sql<{ published_at: Date | null; attempts: number; last_error: string | null }>`
        SELECT published_at, attempts, last_error FROM outbox WHERE id = ${unbound.id}`.execute(
        bed.database.db,
      )
    ).rows[0]!;
    assert.equal(row.published_at, null, 'the unroutable row is still unpublished');
    assert.ok(row.attempts >= 1, `its attempts are counted (${row.attempts})`);
    assert.match(row.last_error ?? '', /unroutable/);
    assert.equal(r.published, 35, 'each routable row published once');
    assert.equal(bed.consumer.counts.duplicates, duplicatesBefore, 'and delivered once');
  });
});
