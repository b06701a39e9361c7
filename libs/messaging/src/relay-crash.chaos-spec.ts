import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
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
import { OutboxRelay } from './outbox-relay';
import { MESSAGING_MIGRATIONS_DIR, type MessagingTables } from './tables';
import { UnitOfWork } from './unit-of-work';

interface TestDb extends MessagingTables {
  effects: { order_id: string };
}

/**
 * Fault test 4: the relay process dies (SIGKILL) after the broker confirmed a batch and before
 * the rows were marked published. The next relay publishes the batch again: the consumer gets
 * every message twice, and its inbox keeps every effect single.
 */
describe('relay crash between publish and mark-published', () => {
  let pg: TestDatabase;
  let vhost: TestVhost;
  let database: Database<TestDb>;
  let connection: AmqpConnection;
  let consumer: EventConsumer<TestDb>;
  const logger = createLogger({ service: 'test', level: 'silent' });

  const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
    (await query.execute(database.db)).rows[0]!.n;

  before(async () => {
    [pg, vhost] = await Promise.all([
      createTestDatabase('relaycrash'),
      createTestVhost('relaycrash'),
    ]);
    database = createDatabase<TestDb>(pg.url);
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
      queue: 'test.relay-crash',
      connection,
      db: database.db,
      unitOfWork: new UnitOfWork(database.db, { wake: () => undefined }, 'fabflow/crm'),
      registry: new HandlerRegistry([handler], EVENT_CATALOGUE),
      retryDelaysMs: [100],
      prefetch: 20,
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

  it('delivers the batch twice and applies it once', async () => {
    const uow = new UnitOfWork(database.db, { wake: () => undefined }, 'fabflow/crm');
    const orderIds = Array.from({ length: 50 }, () => uuidv7());
    for (const orderId of orderIds)
      await uow.run((_tx, events) =>
        events.emit(
          OrderReceived,
          { orderId, status: 'AWAITING_CONFIRMATION' },
          { subject: orderId, version: 1 },
        ),
      );

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
      async () => (await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM effects`)) === 50,
    );
    assert.equal(
      await count(
        sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
      ),
      50,
    );

    // A healthy relay takes over and publishes the same 50 rows (same message ids) again.
    const relay = new OutboxRelay(
      database.db as unknown as Kysely<MessagingTables>,
      new ConfirmPublisher(connection, logger),
      logger,
      {
        pollIntervalMs: 50,
      },
    );
    relay.start();
    try {
      await waitFor('the duplicates to arrive', () => consumer.counts.duplicates === 50);
    } finally {
      await relay.stop();
    }
    assert.equal(relay.published, 50);
    assert.equal(consumer.counts.handled, 50);
    assert.equal(
      await count(
        sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
      ),
      0,
    );
    const perOrder = await sql<{ order_id: string; n: number }>`
      SELECT order_id, count(*)::int AS n FROM effects GROUP BY order_id`.execute(database.db);
    assert.equal(perOrder.rows.length, 50);
    assert.ok(
      perOrder.rows.every((r) => r.n === 1),
      'each order applied exactly once',
    );
    assert.deepEqual(new Set(perOrder.rows.map((r) => r.order_id)), new Set(orderIds));
  });
});
