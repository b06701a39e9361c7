import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { createDatabase, migrate, readMigrations, type Database } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR } from '@fabflow/messaging';
import { createLogger } from '@fabflow/observability';
import { PricingJobDispatchRepository, type NewPricingJob } from '@fabflow/pricing-jobs';
import { createTestDatabase, testEnv, uniqueName, type TestDatabase } from '@fabflow/testing';
import type { MesConfig } from '../mes.config';
import type { MesDatabase } from '../mes.database';
import { PricingDispatcher } from './pricing-dispatcher';
import { newPricingJob } from './pricing-job.fixture';
import { PricingMetrics } from './pricing-metrics';
import { PricingQueue } from './pricing-queue';

interface JobSpec {
  channel?: 'B2C' | 'B2B';
  account?: string | null;
  cap?: number | null;
}

function job(s: JobSpec = {}): NewPricingJob {
  return newPricingJob({
    channel: s.channel ?? (s.account ? 'B2B' : 'B2C'),
    account_id: s.account ?? null,
    max_concurrent_jobs: s.cap ?? null,
  });
}

/*
 * The dispatcher's selection as SQL on real Postgres with the real migrations: per-account caps
 * against the jobs in flight, round-robin between accounts, B2C first, the dispatch lock, and two
 * real dispatchers (real BullMQ on Redis) racing over the same jobs.
 */
describe('pricing dispatch: per-account caps and fairness (real Postgres, real Redis)', () => {
  let pg: TestDatabase;
  let database: Database<MesDatabase>;
  let repo: PricingJobDispatchRepository;

  before(async () => {
    pg = await createTestDatabase('mes_pfair');
    database = createDatabase<MesDatabase>(pg.url, { max: 8 });
    await migrate(
      database.pool,
      await readMigrations(MESSAGING_MIGRATIONS_DIR, join(__dirname, '..', '..', 'migrations')),
    );
    repo = new PricingJobDispatchRepository(database.db);
  });
  after(async () => {
    await database?.close();
    await pg?.drop();
  });
  beforeEach(async () => {
    await sql`DELETE FROM pricing_jobs`.execute(database.db);
  });

  /** Records jobs one statement each, so created_at follows the order given. */
  async function record(...specs: JobSpec[]): Promise<string[]> {
    const ids: string[] = [];
    for (const s of specs) {
      const j = job(s);
      await database.db.transaction().execute((tx) => repo.insertIfAbsent(tx, j));
      ids.push(j.quote_id);
    }
    return ids;
  }

  const times = (n: number, s: JobSpec): JobSpec[] => Array.from({ length: n }, () => s);

  const claim = (limit = 100) =>
    database.db
      .transaction()
      .execute(async (tx) => (await repo.claimUndispatched(tx, limit)).map((j) => j.quote_id));

  async function setState(
    ids: string[],
    state: 'ENQUEUED' | 'RUNNING' | 'DONE' | 'FAILED',
  ): Promise<void> {
    if (ids.length === 0) return;
    const set =
      state === 'ENQUEUED'
        ? sql`enqueued_at = now()`
        : state === 'RUNNING'
          ? sql`enqueued_at = now(), status = 'RUNNING', started_at = now()`
          : state === 'FAILED'
            ? sql`enqueued_at = now(), status = 'FAILED', failure_code = 'TEST', finished_at = now()`
            : sql`enqueued_at = now(), status = 'DONE', result = '{}'::jsonb, finished_at = now()`;
    await sql`UPDATE pricing_jobs SET ${set} WHERE quote_id = ANY(${ids}::uuid[])`.execute(
      database.db,
    );
  }

  it('lets an account’s jobs go only while its jobs in flight stay under its cap', async () => {
    const a = randomUUID();
    const u = randomUUID();
    // Account A (cap 3): one enqueued, one running, one DONE and one FAILED (those two no longer
    // count); so one slot is free.
    const [aEnq, aRun, aDone, aFailed] = await record(...times(4, { account: a, cap: 3 }));
    await setState([aEnq!], 'ENQUEUED');
    await setState([aRun!], 'RUNNING');
    await setState([aDone!], 'DONE');
    await setState([aFailed!], 'FAILED');
    const aWaiting = await record(...times(3, { account: a, cap: 3 }));
    // An account without a cap and a B2C quote: never held.
    const uWaiting = await record(...times(3, { account: u, cap: null }));
    const [b2c] = await record({});

    assert.deepEqual((await repo.openStats()).heldByCap, 2, 'two of A’s jobs held');
    const first = await claim();
    assert.deepEqual(
      new Set(first),
      new Set([b2c, aWaiting[0], ...uWaiting]),
      'A’s oldest waiting job takes the one free slot; its other two are held',
    );
    // Claimed but not marked: nothing changed (the transaction rolled back the locks only).
    await setState(first, 'ENQUEUED');
    assert.deepEqual(await claim(), [], 'A at its cap: nothing more of A goes');
    assert.equal((await repo.openStats()).heldByCap, 2);

    // A job of A finishes: exactly one more goes, the oldest.
    await setState([aRun!], 'DONE');
    assert.deepEqual(await claim(), [aWaiting[1]]);
    await setState([aWaiting[1]!], 'ENQUEUED');
    // Two finish: the last one goes (one slot stays free).
    await setState([aEnq!, aWaiting[0]!], 'DONE');
    assert.deepEqual(await claim(), [aWaiting[2]]);
  });

  it('is not blocked by a batch of held jobs at the head: later accounts’ jobs go past them', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const [inFlight] = await record({ account: a, cap: 1 });
    await setState([inFlight!], 'ENQUEUED');
    // 150 held jobs of A, older than B's, more than a whole batch (limit 100).
    await record(...times(150, { account: a, cap: 1 }));
    const bJobs = await record(...times(3, { account: b, cap: 2 }));
    assert.deepEqual(await claim(100), bJobs.slice(0, 2), 'B’s first two (its cap), in age order');
    assert.equal((await repo.openStats()).heldByCap, 151);
  });

  it('leaves jobs held by a cap out of the oldest-wait gauge (they wait by design)', async () => {
    const a = randomUUID();
    const [inFlight, held] = await record(...times(2, { account: a, cap: 1 }));
    const [other] = await record({ account: randomUUID(), cap: 1 });
    await setState([inFlight!], 'RUNNING');
    const age = (id: string, interval: string) =>
      sql`UPDATE pricing_jobs SET created_at = now() - ${interval}::interval WHERE quote_id = ${id}::uuid`.execute(
        database.db,
      );
    await age(held!, '1 hour');
    await age(other!, '2 minutes');
    const stats = await repo.openStats();
    assert.equal(stats.heldByCap, 1);
    const oldest = stats.oldestQueuedSeconds.B2B ?? -1;
    assert.ok(oldest >= 120 && oldest < 3600, `the other account's job is the oldest: ${oldest} s`);
  });

  it('dispatches B2C first, then round-robin between accounts, then by age', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const c = randomUUID();
    // A submits 5 before B submits 3, then a B2C quote and one of C (all caps room enough).
    const aJobs = await record(...times(5, { account: a, cap: 10 }));
    const bJobs = await record(...times(3, { account: b, cap: 10 }));
    const [b2c] = await record({});
    const [cJob] = await record({ account: c, cap: null });
    assert.deepEqual(await claim(), [
      b2c,
      // Turn 1 of every account, oldest first; then turn 2, …
      aJobs[0],
      bJobs[0],
      cJob,
      aJobs[1],
      bJobs[1],
      aJobs[2],
      bJobs[2],
      aJobs[3],
      aJobs[4],
    ]);
    // The limit takes the head of that order.
    assert.deepEqual(await claim(3), [b2c, aJobs[0], bJobs[0]]);
  });

  it('serializes dispatch passes: a second pass waits for the first and sees its jobs in flight', async () => {
    const a = randomUUID();
    const aJobs = await record(...times(4, { account: a, cap: 2 }));
    let second: Promise<string[]> | undefined;
    let secondClaimed: string[] | undefined;
    await database.db.transaction().execute(async (tx1) => {
      await repo.lockDispatch(tx1);
      const mine = (await repo.claimUndispatched(tx1, 100)).map((j) => j.quote_id);
      assert.deepEqual(mine, aJobs.slice(0, 2));
      // Another instance's pass starts now, on its own connection.
      second = database.db.transaction().execute(async (tx2) => {
        await repo.lockDispatch(tx2);
        return (await repo.claimUndispatched(tx2, 100)).map((j) => j.quote_id);
      });
      second.then(
        (ids) => (secondClaimed = ids),
        () => undefined,
      );
      await sleep(300);
      assert.equal(secondClaimed, undefined, 'the second pass waits for the dispatch lock');
      await repo.markEnqueued(tx1, mine);
    });
    // The first pass has committed: the second one proceeds and sees A's 2 jobs in flight.
    assert.deepEqual(await second, [], 'A is at its cap: the second pass claims none of A');
  });

  it('two dispatchers racing over the same jobs never let an account exceed its cap', async () => {
    const CAP = 2;
    const accounts = Array.from({ length: 4 }, () => randomUUID());
    const queueName = uniqueName('pricing-pfair');
    const logger = createLogger({ service: 'pfair-int', level: 'silent' });
    const config = { PRICING_DISPATCH_POLL_MS: 20 } as MesConfig;
    const queues = [0, 1].map(
      () =>
        new PricingQueue({
          redis: { REDIS_URL: testEnv.TEST_REDIS_URL },
          queue: queueName,
          attempts: 1,
          backoffMs: 100,
          keepCompleted: 10,
          keepFailed: 10,
        }),
    );
    const registries = [new Registry(), new Registry()];
    const dispatchers = queues.map(
      (q, i) =>
        new PricingDispatcher(
          database.db,
          repo,
          q,
          new PricingMetrics(registries[i]!, repo, q),
          config,
          logger,
        ),
    );
    const inspector = new Redis(testEnv.TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const bull = new Queue(queueName, { connection: inspector });
    try {
      // 15 jobs per account interleaved with B2C quotes, recorded before the dispatchers start so
      // both find the same backlog at once.
      const specs: JobSpec[] = [];
      for (let i = 0; i < 15; i++) {
        for (const account of accounts) specs.push({ account, cap: CAP });
        if (i % 3 === 0) specs.push({});
      }
      const ids = await record(...specs);
      const inFlight = async () =>
        (
          await sql<{ account_id: string; n: number }>`
            SELECT account_id, count(*)::int AS n FROM pricing_jobs
            WHERE account_id IS NOT NULL
              AND (status = 'RUNNING' OR (status = 'QUEUED' AND enqueued_at IS NOT NULL))
            GROUP BY account_id`.execute(database.db)
        ).rows;
      let maxSeen = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const r of await inFlight()) maxSeen = Math.max(maxSeen, r.n);
          await sleep(2);
        }
      })();
      for (const d of dispatchers) d.start();
      // A stand-in for the workers (not under test here): finishes one in-flight job of a random
      // account now and then and wakes both dispatchers at the same moment, as the BullMQ
      // 'completed' event does on every instance.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const open = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pricing_jobs WHERE status = 'QUEUED'`.execute(database.db);
        if (open.rows[0]!.n === 0) break;
        assert.ok(Date.now() < deadline, 'every job dispatched and finished within 30 s');
        await sleep(8);
        const account = accounts[Math.floor(Math.random() * accounts.length)]!;
        await sql`UPDATE pricing_jobs SET status = 'FAILED', failure_code = 'TEST', finished_at = now()
          WHERE quote_id = (SELECT quote_id FROM pricing_jobs WHERE status = 'QUEUED'
            AND enqueued_at IS NOT NULL AND (account_id = ${account} OR account_id IS NULL)
            ORDER BY account_id NULLS FIRST LIMIT 1)`.execute(database.db);
        for (const d of dispatchers) d.wake();
      }
      sampling = false;
      await sampler;
      const perInstance = await Promise.all(
        registries.map(
          async (r) => (await r.getSingleMetric('fabflow_pricing_dispatched_total')!.get()).values,
        ),
      );
      const dispatched = perInstance.map((v) => v[0]?.value ?? 0);
      console.log(
        `# dispatched by instance: ${dispatched.join(' + ')}; most in flight for one account: ${maxSeen}`,
      );
      assert.equal(maxSeen, CAP, `an account had at most (and at some point exactly) ${CAP}`);
      assert.equal(
        dispatched.reduce((x, y) => x + y, 0),
        ids.length,
        'each job added to BullMQ once',
      );
      const jobs = await bull.getJobs(['prioritized', 'wait', 'active']);
      assert.deepEqual(new Set(jobs.map((j) => j.id)), new Set(ids));
    } finally {
      await Promise.all(dispatchers.map((d) => d.stop()));
      await Promise.all(queues.map((q) => q.close()));
      await bull.obliterate({ force: true }).catch(() => undefined);
      await bull.close();
      inspector.disconnect();
    }
  });
});
