import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
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
import { ConfirmPublisher } from './confirm-publisher';
import { EffectsTestBed, type EffectsDb } from './effects-test-bed';
import { envelopeHeaders, newEnvelope } from './envelope';
import type { EventHandler } from './event-handler';
import { MessagingRuntime } from './messaging-runtime';
import { OutboxRelay } from './outbox-relay';
import { MESSAGING_MIGRATIONS_DIR, type MessagingTables } from './tables';

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A debug-level logger that keeps its lines, for asserting what an operator would see. */
function recordingLogger() {
  const lines: LogLine[] = [];
  const logger = createLogger({
    service: 'test',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });
  const warnings = () => lines.filter((l) => l.level === 'warn' || l.level === 'error');
  return { logger, lines, warnings };
}

const unpublished = async (db: Kysely<MessagingTables>) =>
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`.execute(db)
  ).rows[0]!.n;

describe('relay at start-up: quiet while the broker and subscribers come up, loud after', () => {
  let pg: TestDatabase;
  let pg2: TestDatabase;
  let vhost: TestVhost;

  before(async () => {
    [pg, pg2, vhost] = await Promise.all([
      createTestDatabase('relay_boot'),
      createTestDatabase('relay_late'),
      createTestVhost('rboot'),
    ]);
  });
  after(async () => {
    await Promise.all([pg?.drop(), pg2?.drop(), vhost?.drop()]);
  });

  it('starts the relay once connected and its topology declared: no warning, the backlog goes; a broker lost later is warned about', async () => {
    const database: Database<EffectsDb> = createDatabase<EffectsDb>(pg.url);
    await migrate(database.pool, await readMigrations(MESSAGING_MIGRATIONS_DIR));
    await sql`CREATE TABLE effects (order_id uuid NOT NULL)`.execute(database.db);
    const { logger, warnings } = recordingLogger();
    const runtime = new MessagingRuntime<EffectsDb>({
      service: 'crm',
      urls: [vhost.url],
      db: database.db,
      logger,
      catalogue: EVENT_CATALOGUE,
      outboxPollMs: 200,
      prefetch: 8,
      retryDelaysMs: [100],
    });
    const handler: EventHandler<EffectsDb, typeof OrderReceived> = {
      event: OrderReceived,
      async handle({ tx }, e) {
        await tx.insertInto('effects').values({ order_id: e.data.orderId }).execute();
      },
    };
    runtime.subscribe('test.boot', [handler]);
    const emit = () =>
      runtime.unitOfWork.run((_tx, events) => {
        const orderId = uuidv7();
        return events.emit(
          OrderReceived,
          { orderId, status: 'AWAITING_CONFIRMATION' },
          { subject: orderId, version: 1 },
        );
      });
    try {
      // Written before the service starts (a backlog from the last run).
      for (let i = 0; i < 5; i++) await emit();
      await runtime.start();
      assert.equal(runtime.connection.connected, false, 'start() does not wait for the broker');
      const db = database.db as unknown as Kysely<MessagingTables>;
      await waitFor('the backlog published', async () => (await unpublished(db)) === 0);
      await waitFor('and applied', async () => {
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM effects`.execute(
          database.db,
        );
        return r.rows[0]!.n === 5;
      });
      assert.deepEqual(warnings(), [], 'a healthy start logs no warning');

      // The broker goes away for good: a real outage is still reported.
      await runtime.connection.close();
      await emit();
      await waitFor('a publish failure warned about', () =>
        warnings().some((l) => l.msg === 'outbox relay: publish failed'),
      );
      assert.equal(await unpublished(db), 1, 'the row waits in the outbox');
    } finally {
      await runtime.stop(2000);
      await database.close();
    }
  });

  it('retries rows nobody subscribes to yet quietly, warns once they stay unroutable, and publishes them once bound', async () => {
    const bed = await EffectsTestBed.start(pg2.url, vhost.url, 'test.relay-boot');
    const { logger, lines, warnings } = recordingLogger();
    const db = bed.database.db as unknown as Kysely<MessagingTables>;
    const relay = new OutboxRelay(db, new ConfirmPublisher(bed.connection, logger), logger, {
      pollIntervalMs: 50,
      maxBackoffMs: 100,
      unroutableWarnAfterMs: 1500,
    });
    const conn = await amqp.connect(vhost.url);
    try {
      await waitFor('broker connection', () => bed.connection.connected);
      // An event whose subscriber has not started yet (its queue is not declared).
      const late = newEnvelope({
        type: 'fabflow.crm.test.late.v1',
        source: 'fabflow/crm',
        subject: uuidv7(),
        version: 1,
        data: {},
      });
      await sql`INSERT INTO outbox (id, exchange, routing_key, type, subject, aggregate_version, payload, headers)
        VALUES (${late.id}, 'crm.events', 'test.late', ${late.type}, ${late.subject}, 1,
          '{}'::jsonb, ${JSON.stringify(envelopeHeaders(late))}::jsonb)`.execute(bed.database.db);
      const startedAt = Date.now();
      relay.start();
      const quiet = (l: LogLine) => l.msg.startsWith('outbox relay: unroutable rows wait');
      await waitFor('retried a few times', () => lines.filter(quiet).length >= 3);
      assert.deepEqual(warnings(), [], 'no warning while start-up may explain it');

      await waitFor('a warning once it stays unroutable', () => warnings().length > 0, 10_000);
      const [warning] = warnings();
      assert.equal(
        warning?.msg,
        'outbox relay: unroutable rows (no queue bound for them yet) stay in the outbox',
      );
      assert.ok(Date.now() - startedAt >= 1500, 'not before unroutableWarnAfterMs');
      assert.equal(warning?.unroutable, 1);

      // Its subscriber comes up: the row goes, and the relay stops complaining.
      const ch = await conn.createChannel();
      await ch.assertQueue('test.late-subscriber', { durable: true });
      await ch.bindQueue('test.late-subscriber', 'crm.events', 'test.late');
      await waitFor('published once bound', async () => (await unpublished(db)) === 0);
      const warned = warnings().length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(warnings().length, warned, 'no warning after it went');
      assert.equal(relay.published, 1);
    } finally {
      await relay.stop();
      await conn.close();
      await bed.stop();
    }
  });
});
