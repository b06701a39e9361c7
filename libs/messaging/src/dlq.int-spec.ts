import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel } from 'amqplib';
import { sql } from 'kysely';
import { EVENT_CATALOGUE, OrderReceived, OrderRejected } from '@fabflow/contracts';
import { createDatabase, migrate, readMigrations, uuidv7, type Database } from '@fabflow/db';
import { createLogger } from '@fabflow/observability';
import {
  createTestDatabase,
  createTestVhost,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@fabflow/testing';
import { DeadLetterQueues } from './dlq';
import { DeadLetterRequestError, UnknownQueueError } from './dlq-errors';
import { envelopeHeaders, publishOptions } from './envelope';
import type { EventHandler } from './event-handler';
import { MessagingRuntime } from './messaging-runtime';
import { MESSAGING_MIGRATIONS_DIR, type MessagingTables } from './tables';
import { declareSubscription, dlqName } from './topology';

interface TestDb extends MessagingTables {
  effects: { order_id: string };
}

const QUEUE = 'test.dlq-orders';
const DLQ = dlqName(QUEUE);
const ERROR_A = 'price list unavailable';
const ERROR_B = 'database timeout';
const ERROR_REJECTED = 'rejections are not handled yet';

describe('DLQ tooling: summary, show, replay, purge (real RabbitMQ and Postgres)', () => {
  let pg: TestDatabase;
  let vhost: TestVhost;
  let database: Database<TestDb>;
  let runtime: MessagingRuntime<TestDb>;
  let probe: ChannelModel;
  let dlqs: DeadLetterQueues;
  /** Order id → the error its handler throws; an order not here is applied. */
  const failing = new Map<string, string>();
  const logger = createLogger({ service: 'test', level: 'silent' });

  const received: EventHandler<TestDb, typeof OrderReceived> = {
    event: OrderReceived,
    async handle({ tx }, e) {
      const error = failing.get(e.data.orderId);
      if (error) throw new Error(error);
      await tx.insertInto('effects').values({ order_id: e.data.orderId }).execute();
    },
  };
  const rejected: EventHandler<TestDb, typeof OrderRejected> = {
    event: OrderRejected,
    handle() {
      return Promise.reject(new Error(ERROR_REJECTED));
    },
  };

  const emitReceived = (orderId: string) =>
    runtime.unitOfWork.run((_tx, events) =>
      events.emit(
        OrderReceived,
        { orderId, status: 'AWAITING_CONFIRMATION' },
        { subject: orderId, version: 1 },
      ),
    );
  const emitRejected = (orderId: string) =>
    runtime.unitOfWork.run((_tx, events) =>
      events.emit(
        OrderRejected,
        { orderId, rejectedBy: uuidv7(), reason: 'no capacity' },
        { subject: orderId, version: 1 },
      ),
    );
  const depth = async () => {
    const ch = await probe.createChannel();
    try {
      return (await ch.checkQueue(DLQ)).messageCount;
    } finally {
      await ch.close();
    }
  };
  const waitForDepth = (n: number) =>
    waitFor(`${n} message(s) in ${DLQ}`, async () => (await depth()) === n, 15_000);
  const effects = async (orderId: string) =>
    (
      await database.db
        .selectFrom('effects')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('order_id', '=', orderId)
        .executeTakeFirstOrThrow()
    ).n;
  /** The id of the event the outbox recorded for an order (its messageId on the wire). */
  const eventIdOf = async (orderId: string, type: string) =>
    (
      await sql<{ id: string }>`SELECT id::text AS id FROM outbox
        WHERE type = ${type} AND subject = ${orderId}`.execute(database.db)
    ).rows[0]!.id;

  const errA = [uuidv7(), uuidv7(), uuidv7()];
  const errB = [uuidv7(), uuidv7()];
  const rejectedOrders = [uuidv7(), uuidv7()];
  const invalidId = uuidv7();

  before(async () => {
    [pg, vhost] = await Promise.all([createTestDatabase('dlq'), createTestVhost('dlq')]);
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
      retryDelaysMs: [50, 100],
    });
    runtime.subscribe(QUEUE, [received, rejected]);
    await runtime.start();
    await waitFor('broker connection', () => runtime.connection.connected);
    probe = await amqp.connect(vhost.url);
    dlqs = new DeadLetterQueues(runtime.connection, [QUEUE]);

    for (const id of errA) failing.set(id, ERROR_A);
    for (const id of errB) failing.set(id, ERROR_B);
    await Promise.all([...errA, ...errB].map(emitReceived));
    await Promise.all(rejectedOrders.map(emitRejected));
    // A message that fails its schema goes to the DLQ at once.
    const ch = await probe.createConfirmChannel();
    const headers = envelopeHeaders({
      id: invalidId,
      type: OrderReceived.type,
      source: 'test',
      subject: invalidId,
      time: new Date().toISOString(),
      version: 1,
    });
    ch.publish('crm.events', 'order.received', Buffer.from('{"orderId":"not-a-uuid"}'), {
      ...publishOptions(headers),
      messageId: invalidId,
    });
    await ch.waitForConfirms();
    await ch.close();
    await waitForDepth(8);
  });

  after(async () => {
    await probe?.close();
    await runtime?.stop(2000);
    await database?.close();
    await Promise.all([pg?.drop(), vhost?.drop()]);
  });

  it('summarises the DLQ grouped by reason and error, without taking anything out', async () => {
    const [summary] = await dlqs.summary();
    assert.ok(summary);
    assert.equal(summary.dlq, DLQ);
    assert.equal(summary?.exists, true);
    assert.equal(summary?.depth, 8);
    assert.equal(summary?.scanned, 8);
    assert.equal(summary?.truncated, false);
    const counts = Object.fromEntries(
      summary.groups.map((g) => [`${g.reason}: ${g.error.split(':')[0]}`, g.count]),
    );
    assert.deepEqual(counts, {
      [`handler-failed: ${ERROR_A}`]: 3,
      [`handler-failed: ${ERROR_B}`]: 2,
      [`handler-failed: ${ERROR_REJECTED}`]: 2,
      'schema-invalid: orderId': 1,
    });
    const a = summary.groups.find((g) => g.error === ERROR_A)!;
    assert.deepEqual(a.types, [OrderReceived.type]);
    assert.ok(a.firstDeadLetteredAt && a.lastDeadLetteredAt);
    assert.ok(a.firstDeadLetteredAt <= a.lastDeadLetteredAt);
    assert.equal(await depth(), 8, 'browsing put every message back');
  });

  it('says when a summary looked at fewer messages than the DLQ holds', async () => {
    const bounded = new DeadLetterQueues(runtime.connection, [QUEUE], { maxScan: 5 });
    const [summary] = await bounded.summary();
    assert.equal(summary?.scanned, 5);
    assert.equal(summary?.truncated, true);
    assert.equal(
      summary?.groups.reduce((n, g) => n + g.count, 0),
      5,
    );
    await waitForDepth(8);
  });

  it('lists messages by type with a limit, and shows one with headers and decoded body', async () => {
    const list = await dlqs.list(QUEUE, { type: OrderRejected.type, limit: 1 });
    assert.equal(list.messages.length, 1);
    assert.equal(list.more, true);
    const all = await dlqs.list(QUEUE, { limit: 50 });
    assert.equal(all.messages.length, 8);
    assert.equal(all.more, false);

    const id = await eventIdOf(errA[0]!, OrderReceived.type);
    const shown = await dlqs.show(QUEUE, id);
    assert.ok(shown, 'the message is found by its id');
    assert.equal(shown.id, id);
    assert.equal(shown.type, OrderReceived.type);
    assert.equal(shown.subject, errA[0]);
    assert.equal(shown.reason, 'handler-failed');
    assert.equal(shown.error, ERROR_A);
    assert.equal(shown.attempts, 3);
    assert.equal(shown.originalExchange, 'crm.events');
    assert.equal(shown.originalRoutingKey, 'order.received');
    assert.equal(shown.headers['ce-id'], id);
    assert.equal(shown.properties.messageId, id);
    assert.deepEqual(shown.body, {
      encoding: 'json',
      value: { orderId: errA[0], status: 'AWAITING_CONFIRMATION' },
    });
    const invalid = await dlqs.show(QUEUE, invalidId);
    assert.equal(invalid?.reason, 'schema-invalid');
    assert.equal(await dlqs.show(QUEUE, uuidv7()), undefined);
    assert.equal(await depth(), 8);
  });

  it('replays one message by id: it keeps its id, is applied once, and only it leaves the DLQ', async () => {
    const orderId = errA[0]!;
    const id = await eventIdOf(orderId, OrderReceived.type);
    failing.delete(orderId);
    const missing = uuidv7();
    const result = await dlqs.replay(QUEUE, { ids: [id, missing] }, { ratePerSecond: 50 });
    assert.equal(result.replayed, 1);
    assert.deepEqual(result.replayedIds, [id]);
    assert.deepEqual(result.notFound, [missing]);
    assert.equal(result.remaining, 7);
    await waitFor('the replayed effect', async () => (await effects(orderId)) === 1);
    const inbox = await database.db
      .selectFrom('inbox')
      .select('message_id')
      .where('consumer', '=', QUEUE)
      .where('message_id', '=', id)
      .execute();
    assert.equal(inbox.length, 1, 'the inbox recorded the replay under the original id');
    assert.equal(await depth(), 7);
  });

  it('a second replay of an applied event (a duplicate in the DLQ) is deduplicated by the inbox', async () => {
    const orderId = errA[0]!;
    const id = await eventIdOf(orderId, OrderReceived.type);
    // The same event dead-lettered twice (say, a redelivered copy): put a copy back in the DLQ.
    const ch = await probe.createConfirmChannel();
    const ce = envelopeHeaders({
      id,
      type: OrderReceived.type,
      source: 'fabflow/crm',
      subject: orderId,
      time: new Date().toISOString(),
      version: 1,
    });
    const headers = {
      ...ce,
      'x-dlq-reason': 'handler-failed',
      'x-error': ERROR_A,
      'x-attempts': 3,
    };
    const body = Buffer.from(JSON.stringify({ orderId, status: 'AWAITING_CONFIRMATION' }));
    ch.publish('', DLQ, body, { ...publishOptions(ce), headers });
    await ch.waitForConfirms();
    await ch.close();
    await waitForDepth(8);
    const duplicatesBefore = runtime.consumers[0]!.counts.duplicates;
    const result = await dlqs.replay(QUEUE, { ids: [id] });
    assert.equal(result.replayed, 1);
    await waitFor(
      'the duplicate to be acked',
      () => runtime.consumers[0]!.counts.duplicates > duplicatesBefore,
    );
    assert.equal(await effects(orderId), 1, 'applied exactly once');
    await waitForDepth(7);
  });

  it('replays by type with a fresh retry count; a still-failing message comes back marked as replayed', async () => {
    const result = await dlqs.replay(QUEUE, { type: OrderRejected.type });
    assert.equal(result.replayed, 2);
    // The five others were looked at and left. (Under load a replayed message can fail again and
    // be back in the DLQ before the scan ends; it is then skipped, never replayed twice.)
    assert.ok(result.skipped >= 5, `skipped ${result.skipped}`);
    assert.ok(result.remaining >= 5, `remaining ${result.remaining}`);
    await waitForDepth(7);
    const back = await dlqs.show(QUEUE, await eventIdOf(rejectedOrders[0]!, OrderRejected.type));
    assert.ok(back);
    // Retried from zero again (3 attempts, not 5): the retry count was reset.
    assert.equal(back.attempts, 3);
    assert.equal(back.replayCount, 1);
    assert.equal(typeof back.headers['x-replayed-at'], 'string');
    assert.equal(back.headers['x-replayed-reason'], 'handler-failed');
    assert.equal(back.headers['x-replayed-error'], ERROR_REJECTED);
  });

  it('replays everything at the requested rate; fixed messages are applied once each', async () => {
    const more = Array.from({ length: 13 }, () => uuidv7());
    for (const id of more) failing.set(id, ERROR_B);
    await Promise.all(more.map(emitReceived));
    await waitForDepth(20);
    failing.clear();

    const result = await dlqs.replay(QUEUE, { all: true }, { ratePerSecond: 20 });
    assert.equal(result.replayed, 20);
    assert.equal(result.truncated, false);
    // 20 messages spaced 50 ms apart: the last one leaves ~950 ms after the first.
    assert.ok(result.durationMs >= 900, `replayed 20 at 20/s in ${result.durationMs} ms`);

    for (const orderId of [...errA.slice(1), ...errB, ...more]) {
      await waitFor(`effect of ${orderId}`, async () => (await effects(orderId)) === 1);
    }
    // The rejections still fail and the invalid message is still invalid: back in the DLQ.
    await waitForDepth(3);
  });

  it('describes a message the broker dead-lettered itself, and replays it without x-death', async () => {
    const queue = 'test.dlq-limit';
    const ch = await probe.createConfirmChannel();
    await declareSubscription(ch, { queue, bindings: [], retryDelaysMs: [], deliveryLimit: 1 });
    const id = uuidv7();
    const ce = envelopeHeaders({
      id,
      type: OrderReceived.type,
      source: 'test',
      subject: id,
      time: new Date().toISOString(),
      version: 1,
    });
    ch.sendToQueue(queue, Buffer.from('{}'), publishOptions(ce));
    await ch.waitForConfirms();
    // A consumer that keeps crashing: deliveries requeued until the broker gives up.
    for (let i = 0; i < 5; i++) {
      const m = await ch.get(queue, { noAck: false });
      if (!m) break;
      ch.nack(m, false, true);
    }
    const limited = new DeadLetterQueues(runtime.connection, [queue]);
    const [summary] = await waitFor('the broker to dead-letter it', async () => {
      const s = await limited.summary();
      return s[0]?.depth === 1 ? s : undefined;
    });
    assert.equal(summary?.groups[0]?.reason, 'broker-delivery_limit');
    assert.ok(summary?.groups[0]?.lastDeadLetteredAt);
    const shown = await limited.show(queue, id);
    assert.equal(shown?.originalRoutingKey, queue);

    assert.equal((await limited.replay(queue, { ids: [id] })).replayed, 1);
    const back = await waitFor(
      'the replayed message',
      async () => (await ch.get(queue, { noAck: false })) || undefined,
    );
    ch.ack(back);
    await ch.close();
    assert.equal(back.properties.messageId, id);
    assert.equal(back.properties.headers?.['x-death'], undefined);
    assert.equal(back.properties.headers?.['x-replayed-reason'], 'broker-delivery_limit');
  });

  it('purges only when confirmed with the queue name', async () => {
    assert.throws(
      () => dlqs.purge(QUEUE, { confirm: 'yes' }),
      (err: Error) => err instanceof DeadLetterRequestError && /queue name/.test(err.message),
    );
    assert.equal(await depth(), 3);
    const result = await dlqs.purge(QUEUE, { confirm: QUEUE });
    assert.equal(result.purged, 3);
    assert.equal(await depth(), 0);
  });

  it('refuses queues it does not manage and a replay without exactly one selector', () => {
    assert.throws(() => dlqs.list('crm.orders'), UnknownQueueError);
    assert.throws(() => dlqs.replay(QUEUE, {}), DeadLetterRequestError);
    assert.throws(() => dlqs.replay(QUEUE, { ids: [] }), DeadLetterRequestError);
    assert.throws(() => dlqs.replay(QUEUE, { all: true, type: 'x' }), DeadLetterRequestError);
    assert.throws(
      () => dlqs.replay(QUEUE, { all: true }, { ratePerSecond: 0 }),
      DeadLetterRequestError,
    );
  });
});
