import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
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

/**
 * Fault test 4: the relay process dies (SIGKILL) after the broker confirmed a batch and before
 * the rows were marked published. The next relay publishes the batch again: the consumer gets
 * every message twice, and its inbox keeps every effect single.
 */
describe('relay crash between publish and mark-published', () => {
  let pg: TestDatabase;
  let vhost: TestVhost;
  let bed: EffectsTestBed;
  const unpublished = 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL';

  before(async () => {
    [pg, vhost] = await Promise.all([
      createTestDatabase('relaycrash'),
      createTestVhost('relaycrash'),
    ]);
    bed = await EffectsTestBed.start(pg.url, vhost.url, 'test.relay-crash');
    await waitFor('broker connection', () => bed.connection.connected);
  });

  after(async () => {
    await bed?.stop();
    await Promise.all([pg?.drop(), vhost?.drop()]);
  });

  it('delivers the batch twice and applies it once', async () => {
    const orderIds = await bed.emitOrders(50);

    const fixture = join(__dirname, 'fixtures', 'crashing-relay.js');
    const child = spawn(process.execPath, [fixture, pg.url, vhost.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((res) =>
      child.once('exit', (_c, s) => res(s)),
    );
    assert.equal(signal, 'SIGKILL');
    assert.match(output, /confirmed 50; crashing before marking them published/);

    // The broker has the batch; the outbox still says unpublished.
    await waitFor(
      'first deliveries applied',
      async () => (await bed.count('SELECT count(*)::int AS n FROM effects')) === 50,
    );
    assert.equal(await bed.count(unpublished), 50);

    // A healthy relay takes over and publishes the same 50 rows (same message ids) again.
    const relay = bed.relay({ pollIntervalMs: 50 });
    relay.start();
    try {
      await waitFor('the duplicates to arrive', () => bed.consumer.counts.duplicates === 50);
    } finally {
      await relay.stop();
    }
    assert.equal(relay.published, 50);
    assert.equal(bed.consumer.counts.handled, 50);
    assert.equal(await bed.count(unpublished), 0);
    const perOrder = await sql<{ order_id: string; n: number }>`
      SELECT order_id, count(*)::int AS n FROM effects GROUP BY order_id`.execute(bed.database.db);
    assert.equal(perOrder.rows.length, 50);
    assert.ok(
      perOrder.rows.every((r) => r.n === 1),
      'each order applied exactly once',
    );
    assert.deepEqual(new Set(perOrder.rows.map((r) => r.order_id)), new Set(orderIds));
  });
});
