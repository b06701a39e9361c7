import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp, { type ConfirmChannel } from 'amqplib';
import { sql } from 'kysely';
import { EVENT_CATALOGUE, OrderReceived } from '@fabflow/contracts';
import { createDatabase, migrate, readMigrations, uuidv7, type Database } from '@fabflow/db';
import { createLogger } from '@fabflow/observability';
import {
  createTestDatabase,
  createTestVhost,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@fabflow/testing';
import { envelopeHeaders, publishOptions } from './envelope';
import type { EventHandler } from './event-handler';
import { MessagingRuntime } from './messaging-runtime';
import type { MessagingTables } from './tables';
import { MESSAGING_MIGRATIONS_DIR } from './tables';
import { dlqName } from './topology';

interface TestDb extends MessagingTables {
  effects: { order_id: string };
}

const POISON = '01890000-0000-7000-8000-00000000dead';
const QUEUE = 'test.orders';
const DELAYS = [150, 300];

describe('messaging: outbox → relay → quorum queue → inbox (real RabbitMQ and Postgres)', () => {
  let pg: TestDatabase;
  let vhost: TestVhost;
  let database: Database<TestDb>;
  let runtime: MessagingRuntime<TestDb>;
  const attempts = new Map<string, number[]>();
  const logger = createLogger({ service: 'test', level: 'silent' });

  const handler: EventHandler<TestDb, typeof OrderReceived> = {
    event: OrderReceived,
    async handle({ tx }, e) {
      const seen = attempts.get(e.data.orderId) ?? [];
      attempts.set(e.data.orderId, [...seen, Date.now()]);
      if (e.data.orderId === POISON) throw new Error('handler always fails for this order');
      await tx.insertInto('effects').values({ order_id: e.data.orderId }).execute();
    },
  };

  const emit = (orderId: string) =>
    runtime.unitOfWork.run((_tx, events) =>
      events.emit(
        OrderReceived,
        { orderId, status: 'AWAITING_CONFIRMATION' },
        { subject: orderId, version: 1 },
      ),
    );
  const effects = async (orderId: string) =>
    (
      await database.db
        .selectFrom('effects')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('order_id', '=', orderId)
        .executeTakeFirstOrThrow()
    ).n;

  /** Publishes an OrderReceived whose data fails its schema (orderId not a UUID); its id. */
  async function publishSchemaInvalid(ch: ConfirmChannel): Promise<string> {
    const id = uuidv7();
    const headers = envelopeHeaders({
      id,
      type: OrderReceived.type,
      source: 'test',
      subject: id,
      time: new Date().toISOString(),
      version: 1,
    });
    ch.publish(
      'crm.events',
      'order.received',
      Buffer.from(JSON.stringify({ orderId: 'not-a-uuid' })),
      { ...publishOptions(headers), messageId: id },
    );
    await ch.waitForConfirms();
    return id;
  }

  before(async () => {
    [pg, vhost] = await Promise.all([
      createTestDatabase('messaging'),
      createTestVhost('messaging'),
    ]);
    database = createDatabase<TestDb>(pg.url);
    await migrate(database.pool, await readMigrations(MESSAGING_MIGRATIONS_DIR));
    await sql`CREATE TABLE effects (order_id uuid NOT NULL)`.execute(database.db);
    runtime = new MessagingRuntime({
      service: 'crm',
      urls: [vhost.url],
      db: database.db,
      logger,
      catalogue: EVENT_CATALOGUE,
      outboxPollMs: 1000,
      prefetch: 8,
      retryDelaysMs: DELAYS,
    });
    runtime.subscribe(QUEUE, [handler]);
    await runtime.start();
    await waitFor('broker connection', () => runtime.connection.connected);
  });

  after(async () => {
    await runtime?.stop(2000);
    await database?.close();
    await Promise.all([pg?.drop(), vhost?.drop()]);
  });

  it('delivers 200 committed events, each applied exactly once, and marks the outbox published', async () => {
    const ids = Array.from({ length: 200 }, () => uuidv7());
    await Promise.all(ids.map((id) => emit(id)));
    await waitFor(
      'all effects',
      async () =>
        (
          await database.db
            .selectFrom('effects')
            .select(sql<number>`count(*)::int`.as('n'))
            .executeTakeFirstOrThrow()
        ).n >= 200,
    );
    for (const id of ids.slice(0, 20)) assert.equal(await effects(id), 1);
    const pending = await database.db
      .selectFrom('outbox')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(pending.n, 0);
  });

  it('runs after-commit work once the transaction has committed, and never after a rollback', async () => {
    const committedId = uuidv7();
    const seen: Array<Promise<number>> = [];
    await runtime.unitOfWork.run(async (tx, _events, afterCommit) => {
      await tx.insertInto('effects').values({ order_id: committedId }).execute();
      // Counted from another connection: only a committed row is visible there.
      afterCommit(() => seen.push(effects(committedId)));
    });
    assert.equal(seen.length, 1);
    assert.equal(await seen[0], 1);

    const rolledBackId = uuidv7();
    await assert.rejects(
      runtime.unitOfWork.run(async (tx, _events, afterCommit) => {
        await tx.insertInto('effects').values({ order_id: rolledBackId }).execute();
        afterCommit(() => seen.push(effects(rolledBackId)));
        throw new Error('the business rule refused');
      }),
      /the business rule refused/,
    );
    assert.equal(seen.length, 1, 'no after-commit work for a rolled-back transaction');
    assert.equal(await effects(rolledBackId), 0);
  });

  it('acks a redelivered duplicate (same message id) without a second effect', async () => {
    const orderId = uuidv7();
    const envelope = await emit(orderId);
    await waitFor('first effect', async () => (await effects(orderId)) === 1);
    const conn = await amqp.connect(vhost.url);
    const ch = await conn.createConfirmChannel();
    const headers = envelopeHeaders(envelope);
    ch.publish('crm.events', 'order.received', Buffer.from(JSON.stringify(envelope.data)), {
      ...publishOptions(headers),
      messageId: envelope.id,
    });
    await ch.waitForConfirms();
    await ch.close();
    await conn.close();
    await waitFor('the duplicate to be seen', () => runtime.consumers[0]!.counts.duplicates >= 1);
    assert.equal(await effects(orderId), 1);
  });

  it('retries a failing handler with backoff, then dead-letters it with the error and attempt count', async () => {
    await emit(POISON);
    const conn = await amqp.connect(vhost.url);
    const ch = await conn.createChannel();
    const msg = await waitFor(
      'the poison message in the DLQ',
      async () => (await ch.get(dlqName(QUEUE), { noAck: false })) || undefined,
      15_000,
    );
    ch.ack(msg);
    // Closing the channel first flushes the ack; closing only the connection can requeue it.
    await ch.close();
    await conn.close();
    const headers = msg.properties.headers ?? {};
    assert.equal(headers['x-dlq-reason'], 'handler-failed');
    assert.equal(headers['x-error'], 'handler always fails for this order');
    assert.equal(headers['x-attempts'], DELAYS.length + 1);
    assert.equal(headers['x-original-exchange'], 'crm.events');
    assert.equal(headers['x-original-routing-key'], 'order.received');
    const times = attempts.get(POISON)!;
    assert.equal(times.length, DELAYS.length + 1);
    // Each retry waited at least its delay (and not wildly longer).
    for (const [i, delay] of DELAYS.entries()) {
      const gap = times[i + 1]! - times[i]!;
      assert.ok(
        gap >= delay * 0.9 && gap < delay + 2000,
        `retry ${i + 1} after ${gap} ms, expected ~${delay} ms`,
      );
    }
    assert.equal(await effects(POISON), 0);
  });

  it('sends a message that fails its schema to the DLQ at once, without calling the handler', async () => {
    const conn = await amqp.connect(vhost.url);
    const ch = await conn.createConfirmChannel();
    const id = await publishSchemaInvalid(ch);
    const msg = await waitFor('the invalid message in the DLQ', async () => {
      const m = await ch.get(dlqName(QUEUE), { noAck: false });
      if (!m) return undefined;
      ch.ack(m);
      return m.properties.messageId === id ? m : undefined;
    });
    await ch.close();
    await conn.close();
    assert.equal(msg.properties.messageId, id);
    assert.equal(msg.properties.headers?.['x-dlq-reason'], 'schema-invalid');
    assert.equal(msg.properties.headers?.['x-attempts'], 1);
    assert.match(String(msg.properties.headers?.['x-error']), /orderId/);
  });

  it('consumes again after the broker cancels its consumer (queue deleted under it)', async () => {
    const conn = await amqp.connect(vhost.url);
    const ch = await conn.createChannel();
    await ch.deleteQueue(QUEUE);
    await ch.close();
    await conn.close();
    // Published while the queue is gone: unroutable, so it stays in the outbox and is retried.
    const orderId = uuidv7();
    await emit(orderId);
    await waitFor('the effect after re-subscribing', async () => (await effects(orderId)) === 1);
  });

  it('exposes backlog, oldest unpublished age, published and consumed counts for Prometheus', async () => {
    const text = await runtime.metrics.registry.metrics();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      assert.ok(line, `${series} is exposed`);
      return Number(line.split(' ')[1]);
    };
    assert.equal(value('fabflow_outbox_backlog'), 0);
    assert.equal(value('fabflow_outbox_oldest_unpublished_age_seconds'), 0);
    assert.ok(value('fabflow_outbox_published_total') >= 200);
    assert.ok(value(`fabflow_consumer_messages_total{queue="${QUEUE}",outcome="handled"}`) >= 200);
    assert.ok(value(`fabflow_consumer_messages_total{queue="${QUEUE}",outcome="duplicate"}`) >= 1);
    assert.ok(value('fabflow_outbox_relay_lag_seconds_count') >= 200);
    // The poison and the schema-invalid message were taken out of the DLQ by the tests above.
    assert.equal(value(`fabflow_dlq_depth{queue="${QUEUE}"}`), 0);

    // With the relay stopped, a new row shows as backlog with an age.
    await runtime.relay.stop();
    await emit(uuidv7());
    await new Promise((r) => setTimeout(r, 1100));
    const later = await runtime.metrics.registry.metrics();
    assert.match(later, /^fabflow_outbox_backlog 1$/m);
    const age = Number(/^fabflow_outbox_oldest_unpublished_age_seconds (\S+)$/m.exec(later)?.[1]);
    assert.ok(age >= 1 && age < 30, `oldest age ${age}s`);
    runtime.relay.start();
    await waitFor('the backlog to drain', async () =>
      /^fabflow_outbox_backlog 0$/m.test(await runtime.metrics.registry.metrics()),
    );

    // A message parked in the DLQ shows in its depth.
    const conn = await amqp.connect(vhost.url);
    const ch = await conn.createConfirmChannel();
    await publishSchemaInvalid(ch);
    await ch.close();
    await conn.close();
    await waitFor('the DLQ depth to show the parked message', async () =>
      (await runtime.metrics.registry.metrics()).includes(`fabflow_dlq_depth{queue="${QUEUE}"} 1`),
    );
  });
});

describe('migrations', () => {
  it('apply once, skip when applied, and refuse an edited migration', async () => {
    const pg = await createTestDatabase('migrate');
    const database = createDatabase(pg.url);
    try {
      const migrations = [{ name: '20260101000000_a.sql', sql: 'CREATE TABLE a (id int)' }];
      assert.deepEqual(await migrate(database.pool, migrations), ['20260101000000_a.sql']);
      assert.deepEqual(await migrate(database.pool, migrations), []);
      await assert.rejects(
        migrate(database.pool, [
          { name: '20260101000000_a.sql', sql: 'CREATE TABLE a (id bigint)' },
        ]),
        /edited after it was applied/,
      );
      await assert.rejects(
        migrate(database.pool, [
          ...migrations,
          { name: '20260102000000_b.sql', sql: 'CREATE TABLE nope (' },
        ]),
        /Migration 20260102000000_b.sql failed/,
      );
    } finally {
      await database.close();
      await pg.drop();
    }
  });
});
