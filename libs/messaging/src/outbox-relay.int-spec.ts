import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
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
import { AmqpConnection } from './amqp-connection';
import { ConfirmPublisher } from './confirm-publisher';
import { EventConsumer } from './event-consumer';
import { HandlerRegistry, type EventHandler } from './event-handler';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { MESSAGING_MIGRATIONS_DIR, type MessagingTables } from './tables';
import { UnitOfWork } from './unit-of-work';

interface TestDb extends MessagingTables {
  effects: { order_id: string };
}

describe('outbox relay (real RabbitMQ and Postgres)', () => {
  let pg: TestDatabase;
  let vhost: TestVhost;
  let database: Database<TestDb>;
  let connection: AmqpConnection;
  let consumer: EventConsumer<TestDb>;
  const logger = createLogger({ service: 'test', level: 'silent' });
  const noWake = { wake: () => undefined };

  const n = async (query: string) =>
    (await sql<{ n: number }>`${sql.raw(query)}`.execute(database.db)).rows[0]!.n;
  const relay = (opts: Partial<OutboxRelayOptions> = {}) =>
    new OutboxRelay(
      database.db as unknown as Kysely<MessagingTables>,
      new ConfirmPublisher(connection, logger),
      logger,
      { pollIntervalMs: 20, ...opts },
    );
  async function emitMany(count: number): Promise<void> {
    const uow = new UnitOfWork(database.db, noWake, 'fabflow/crm');
    for (let i = 0; i < count; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, () => {
          const orderId = uuidv7();
          return uow.run((_tx, events) =>
            events.emit(
              OrderReceived,
              { orderId, status: 'AWAITING_CONFIRMATION' },
              { subject: orderId, version: 1 },
            ),
          );
        }),
      );
  }

  before(async () => {
    [pg, vhost] = await Promise.all([createTestDatabase('relay'), createTestVhost('relay')]);
    database = createDatabase<TestDb>(pg.url, { max: 20 });
    await migrate(database.pool, await readMigrations(MESSAGING_MIGRATIONS_DIR));
    await sql`CREATE TABLE effects (order_id uuid NOT NULL)`.execute(database.db);
    connection = new AmqpConnection({ urls: [vhost.url], connectionName: 'test', logger });
    const handler: EventHandler<TestDb, typeof OrderReceived> = {
      event: OrderReceived,
      async handle({ tx }, e) {
        await tx.insertInto('effects').values({ order_id: e.data.orderId }).execute();
      },
    };
    consumer = new EventConsumer<TestDb>({
      queue: 'test.relay',
      connection,
      db: database.db,
      unitOfWork: new UnitOfWork(database.db, noWake, 'fabflow/crm'),
      registry: new HandlerRegistry([handler], EVENT_CATALOGUE),
      retryDelaysMs: [100],
      prefetch: 32,
      logger,
    });
    await consumer.start();
    connection.start();
    await waitFor('broker connection', () => connection.connected);
  });

  after(async () => {
    await consumer?.stop(2000);
    await connection?.close();
    await database?.close();
    await Promise.all([pg?.drop(), vhost?.drop()]);
  });

  it('three relays at once share the rows: each published once, each applied once', async () => {
    const relays = [relay({ batchSize: 20 }), relay({ batchSize: 20 }), relay({ batchSize: 20 })];
    for (const r of relays) r.start();
    try {
      await emitMany(600);
      await waitFor(
        'every row published',
        async () =>
          (await n('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) === 0,
      );
      await waitFor(
        'every effect',
        async () => (await n('SELECT count(*)::int AS n FROM effects')) === 600,
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
    assert.equal(consumer.counts.duplicates, 0);
    assert.equal(
      await n('SELECT count(DISTINCT order_id)::int AS n FROM effects'),
      600,
      'each order applied once',
    );
  });

  it('deletes published rows once they are past retention', async () => {
    await sql`DELETE FROM outbox`.execute(database.db);
    await emitMany(10);
    const r = relay({ retentionMs: 300, cleanupIntervalMs: 50 });
    r.start();
    try {
      await waitFor(
        'rows published',
        async () =>
          (await n('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) === 0,
      );
      assert.equal(await n('SELECT count(*)::int AS n FROM outbox'), 10, 'kept while recent');
      await waitFor(
        'published rows deleted after retention',
        async () => (await n('SELECT count(*)::int AS n FROM outbox')) === 0,
        5000,
      );
    } finally {
      await r.stop();
    }
  });
});
