import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { OrderReceived } from '@fabflow/contracts';
import { createDatabase, migrate, readMigrations, uuidv7, type Database } from '@fabflow/db';
import { createTestDatabase, type TestDatabase } from '@fabflow/testing';
import { MESSAGING_MIGRATIONS_DIR, type MessagingTables } from './tables';
import { UnitOfWork } from './unit-of-work';

describe('unit of work: commit listeners (real Postgres)', () => {
  let testDb: TestDatabase;
  let database: Database<MessagingTables>;
  let observer: pg.Client;
  let wakes = 0;
  let uow: UnitOfWork<MessagingTables>;
  const heard: Array<{ subjects: string[]; visibleElsewhere: number }> = [];

  const emit = (orderId: string) =>
    uow.run((_tx, events) =>
      events.emit(
        OrderReceived,
        { orderId, status: 'AWAITING_CONFIRMATION' },
        { subject: orderId, version: 1 },
      ),
    );

  before(async () => {
    testDb = await createTestDatabase('uow');
    database = createDatabase<MessagingTables>(testDb.url);
    await migrate(database.pool, await readMigrations(MESSAGING_MIGRATIONS_DIR));
    observer = new pg.Client({ connectionString: testDb.url });
    await observer.connect();
    uow = new UnitOfWork(database.db, { wake: () => void (wakes += 1) }, 'fabflow/test');
    uow.onCommitted(async (events) => {
      const subjects = events.map((e) => e.subject);
      // Another session sees the rows: the listener runs after the commit, not before.
      const { rows } = await observer.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM outbox WHERE subject = ANY($1)',
        [subjects],
      );
      await new Promise((r) => setTimeout(r, 20));
      heard.push({ subjects, visibleElsewhere: rows[0]!.n });
    });
  });

  after(async () => {
    await observer?.end();
    await database?.close();
    await testDb?.drop();
  });

  it('tells the listeners the events of a committed transaction, after the commit, before run resolves', async () => {
    heard.length = 0;
    const a = uuidv7();
    const b = uuidv7();
    await uow.run(async (_tx, events) => {
      for (const id of [a, b])
        await events.emit(
          OrderReceived,
          { orderId: id, status: 'AWAITING_CONFIRMATION' },
          { subject: id, version: 1 },
        );
    });
    assert.deepEqual(heard, [{ subjects: [a, b], visibleElsewhere: 2 }]);
    assert.equal(wakes, 1);
  });

  it('tells nobody of a rolled-back transaction, nor of one that emitted nothing', async () => {
    heard.length = 0;
    const id = uuidv7();
    await assert.rejects(
      uow.run(async (_tx, events) => {
        await events.emit(
          OrderReceived,
          { orderId: id, status: 'AWAITING_CONFIRMATION' },
          { subject: id, version: 1 },
        );
        throw new Error('business rule failed');
      }),
      /business rule failed/,
    );
    await uow.run(() => Promise.resolve());
    assert.deepEqual(heard, []);
  });

  it('a failing listener does not fail the committed transaction', async () => {
    const failing = new UnitOfWork(database.db, { wake: () => undefined }, 'fabflow/test');
    failing.onCommitted(() => {
      throw new Error('listener bug');
    });
    const id = uuidv7();
    await failing.run((_tx, events) =>
      events.emit(
        OrderReceived,
        { orderId: id, status: 'AWAITING_CONFIRMATION' },
        { subject: id, version: 1 },
      ),
    );
    const { rows } = await observer.query('SELECT 1 FROM outbox WHERE subject = $1', [id]);
    assert.equal(rows.length, 1);
    await emit(uuidv7()); // the other unit of work is unaffected
  });
});
