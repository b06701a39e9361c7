import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDatabase, migrate, readMigrations, type Database } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR } from '@fabflow/messaging';
import { PricingJobDispatchRepository, type NewPricingJob } from '@fabflow/pricing-jobs';
import { createTestDatabase, type TestDatabase } from '@fabflow/testing';
import type { MesDatabase } from '../mes.database';
import { newPricingJob } from './pricing-job.fixture';
import { PricingJobReadRepository } from './pricing-job-read.repository';

const priced = {
  status: 'NEEDS_REVIEW',
  mode: 'FIRM',
  price: {
    currency: 'EUR',
    materialCents: 100,
    supportCents: 0,
    machineTimeCents: 200,
    setupCents: 500,
    postProcessingCents: 150,
    subtotalCents: 950,
    quantityDiscountCents: 0,
    leadTimeAdjustmentCents: 0,
    minimumPriceAdjustmentCents: 550,
    totalCents: 1500,
    unitPriceCents: 1500,
  },
  model: {
    format: 'STL_BINARY',
    triangles: 12,
    volumeMm3: 8000,
    surfaceAreaMm2: 2400,
    bboxMm: { x: 20, y: 20, z: 20 },
    watertight: false,
    shells: 1,
  },
  materialId: 'pla-black',
  technology: 'FDM',
  quantity: 1,
  leadTime: 'STANDARD',
  machineId: 'fdm-1',
  partsPerBuild: 1,
  machineSeconds: 1200,
  reviewReasons: [{ code: 'NOT_WATERTIGHT', message: 'The surface is not closed.' }],
  priceListVersion: '2026-12-01',
  engineVersion: '1.0.0',
} as const;

function job(quoteId: string, channel: 'B2C' | 'B2B' = 'B2C'): NewPricingJob {
  return newPricingJob({ quote_id: quoteId, channel });
}

describe('pricing jobs: the dispatch and read repositories (real Postgres, real migrations)', () => {
  let pg: TestDatabase;
  let database: Database<MesDatabase>;
  let repo: PricingJobDispatchRepository;
  let reads: PricingJobReadRepository;

  before(async () => {
    pg = await createTestDatabase('mes_pricing');
    database = createDatabase<MesDatabase>(pg.url, { max: 4 });
    await migrate(
      database.pool,
      await readMigrations(MESSAGING_MIGRATIONS_DIR, join(__dirname, '..', '..', 'migrations')),
    );
    repo = new PricingJobDispatchRepository(database.db);
    reads = new PricingJobReadRepository(database.db);
  });
  after(async () => {
    await database?.close();
    await pg?.drop();
  });

  it('records a quote’s job once, whatever the redeliveries', async () => {
    const id = randomUUID();
    const first = await database.db.transaction().execute((tx) => repo.insertIfAbsent(tx, job(id)));
    const again = await database.db.transaction().execute((tx) => repo.insertIfAbsent(tx, job(id)));
    assert.deepEqual(first, { quote_id: id, priority: 1, version: 1 });
    assert.equal(again, undefined);
  });

  it('gives the priced model and breakdown, or the failure, by quote id (for the work-order detail)', async () => {
    const done = randomUUID();
    const failed = randomUUID();
    const waiting = randomUUID();
    await database.db.transaction().execute(async (tx) => {
      for (const id of [done, failed, waiting]) await repo.insertIfAbsent(tx, job(id));
    });
    await sql`UPDATE pricing_jobs SET status = 'DONE', mode = 'FIRM', result = ${JSON.stringify(priced)}::jsonb,
      finished_at = now() WHERE quote_id = ${done}`.execute(database.db);
    await sql`UPDATE pricing_jobs SET status = 'FAILED', failure_code = 'TRUNCATED',
      failure_reason = 'The file is truncated.', finished_at = now() WHERE quote_id = ${failed}`.execute(
      database.db,
    );
    const d = await reads.findResultByQuoteId(done);
    assert.equal(d?.status, 'DONE');
    assert.deepEqual(d?.result, priced);
    assert.equal(d?.failure, null);
    const f = await reads.findResultByQuoteId(failed);
    assert.deepEqual(
      { status: f?.status, result: f?.result, failure: f?.failure },
      {
        status: 'FAILED',
        result: null,
        failure: { code: 'TRUNCATED', reason: 'The file is truncated.' },
      },
    );
    const w = await reads.findResultByQuoteId(waiting);
    assert.deepEqual(
      { status: w?.status, result: w?.result, failure: w?.failure },
      { status: 'QUEUED', result: null, failure: null },
    );
    assert.equal(await reads.findResultByQuoteId(randomUUID()), undefined);
  });

  it('claims undispatched jobs most urgent first, skipping rows another dispatcher holds', async () => {
    await sql`UPDATE pricing_jobs SET enqueued_at = now()`.execute(database.db);
    const b2b = randomUUID();
    const b2c = randomUUID();
    await database.db.transaction().execute(async (tx) => {
      await repo.insertIfAbsent(tx, job(b2b, 'B2B'));
      await repo.insertIfAbsent(tx, job(b2c, 'B2C'));
    });
    // One dispatcher holds its claim while another looks: the second sees none of those rows.
    await database.db.transaction().execute(async (tx1) => {
      const mine = await repo.claimUndispatched(tx1, 10);
      assert.deepEqual(
        mine.map((j) => j.quote_id),
        [b2c, b2b],
        'B2C (priority 1) before B2B (10)',
      );
      const theirs = await database.db
        .transaction()
        .execute((tx2) => repo.claimUndispatched(tx2, 10));
      assert.deepEqual(theirs, []);
      await repo.markEnqueued(tx1, [b2c]);
    });
    const left = await database.db.transaction().execute((tx) => repo.claimUndispatched(tx, 10));
    assert.deepEqual(
      left.map((j) => j.quote_id),
      [b2b],
    );
  });

  it('serves the dispatcher’s claim from its partial index', async () => {
    const plan = await database.db.transaction().execute(async (tx) => {
      // The table is tiny here; forbid the sequential scan to see whether the index can serve it.
      await sql`SET LOCAL enable_seqscan = off`.execute(tx);
      const rows = await tx
        .selectFrom('pricing_jobs')
        .select(['quote_id', 'status', 'channel', 'priority', 'trace_context'])
        .where('enqueued_at', 'is', null)
        .orderBy('priority')
        .orderBy('created_at')
        .limit(100)
        .forUpdate()
        .skipLocked()
        .explain<{ 'QUERY PLAN': string }>();
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /pricing_jobs_undispatched_idx/, plan);
  });

  it('reports unfinished jobs per status and channel, and the oldest waiting', async () => {
    const stats = await repo.openStats();
    const queued = stats.open.filter((o) => o.status === 'QUEUED').reduce((n, o) => n + o.n, 0);
    assert.ok(queued >= 3);
    assert.ok((stats.oldestQueuedSeconds.B2C ?? -1) >= 0);
    assert.equal(stats.undispatched, 1);
  });
});
