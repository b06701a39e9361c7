import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, sphereStl, waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES } from './support/pricing-system';

/** ≈ 3 M triangles (150 MB): a FIRM price takes seconds, long enough to be killed in the middle. */
const SEGMENTS = 1225;

describe('pricing worker stopped mid-job: SIGKILL re-runs the job, SIGTERM lets it finish; one QuotePriced', () => {
  let sys: PricingSystem;

  before(async () => {
    sys = await PricingSystem.start('pcrash', {
      workerEnv: {
        PRICING_CONCURRENCY: '1',
        // A short lock, so the dead worker's job is recovered in seconds rather than a minute.
        PRICING_LOCK_DURATION_MS: '4000',
        PRICING_STALLED_INTERVAL_MS: '1000',
      },
    });
  });
  after(async () => {
    await sys?.stop();
  });

  it('recovers the stalled job after a restart and publishes exactly one QuotePriced', async () => {
    const bytes = sphereStl(50, SEGMENTS, SEGMENTS);
    const triangles = bytes.readUInt32LE(80);
    const file = await sys.uploadModel(bytes, 'big-sphere.stl');
    const quoteId = await sys.requestQuote({ file, materialId: 'resin-grey', mode: 'FIRM' });

    await waitFor(
      'the calculation to start (first QuoteProgressed)',
      () => sys.spy.of(TYPES.progressed, quoteId).length > 0,
      60_000,
    );
    const job = await sys.queue().getJob(quoteId);
    assert.equal(await job?.getState(), 'active');
    await sys.worker.kill();
    const killedAt = Date.now();
    const [atKill] = await sys.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM pricing_jobs WHERE quote_id = $1',
      [quoteId],
    );
    assert.deepEqual(atKill, { status: 'RUNNING', attempts: 1 }, 'killed in the middle of the job');
    assert.equal(sys.spy.of(TYPES.priced, quoteId).length, 0);

    await sys.worker.start();
    const rerun = await waitFor(
      'the job to run again (progress of attempt 2)',
      () => sys.spy.of(TYPES.progressed, quoteId).find((e) => e.data.attempt === 2),
      90_000,
    );
    const rerunAt = Date.now();
    const priced = await sys.outcome(quoteId, 120_000);
    const pricedAt = Date.now();
    assert.equal(priced.type, TYPES.priced, JSON.stringify(priced.data));
    assert.equal(priced.data.mode, 'FIRM');
    assert.ok(rerun.version < priced.version);

    // Nothing else arrives for this quote once BullMQ has completed the job.
    await waitFor(
      'BullMQ to complete the job',
      async () => (await (await sys.queue().getJob(quoteId))?.getState()) === 'completed',
    );
    const completed = await sys.queue().getJob(quoteId);
    assert.equal(completed?.stalledCounter, 1, 'recovered from a stall once');
    assert.equal(sys.spy.of(TYPES.priced, quoteId).length, 1, 'exactly one QuotePriced');
    assert.equal(sys.spy.of(TYPES.failed, quoteId).length, 0);
    const rows = await sys.query<{ status: string; attempts: number; n: number }>(
      `SELECT status, attempts, (SELECT count(*)::int FROM outbox
          WHERE subject = $1::text AND type = 'fabflow.mes.quote.priced.v1') AS n
         FROM pricing_jobs WHERE quote_id = $1::uuid`,
      [quoteId],
    );
    assert.deepEqual(rows, [{ status: 'DONE', attempts: 2, n: 1 }], 'one result row, one event');
    assert.ok(
      (await PricingSystem.metric(sys.worker.url, 'fabflow_pricing_stalled_total')) >= 1,
      'the restarted worker counted the stalled job',
    );

    const figures = {
      triangles,
      fileBytes: bytes.length,
      killToRerunMs: rerunAt - killedAt,
      killToPricedMs: pricedAt - killedAt,
      lockDurationMs: 4000,
      stalledIntervalMs: 1000,
    };
    console.log(
      `# SIGKILL recovery (${triangles.toLocaleString('en-US')} triangles, FIRM): kill → re-run ${figures.killToRerunMs} ms, kill → QuotePriced ${figures.killToPricedMs} ms`,
    );
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(
      join(REPO_ROOT, 'test-results', 'pricing-sigkill-recovery.json'),
      JSON.stringify(figures, null, 2),
    );
  });

  it('a run of an already priced quote (a crash after the commit) publishes nothing', async () => {
    const [done] = await sys.query<{ quote_id: string; version: number }>(
      "SELECT quote_id, version FROM pricing_jobs WHERE status = 'DONE' LIMIT 1",
    );
    assert.ok(done);
    const before = sys.spy.received.length;
    const skippedBefore = await PricingSystem.metric(sys.worker.url, 'fabflow_pricing_runs_total', {
      outcome: 'skipped',
    });
    // The same quote's job again under another id: as if BullMQ ran it after the result was in.
    const replay = await sys
      .queue()
      .add('price-quote', { quoteId: done.quote_id }, { jobId: `replay-${done.quote_id}` });
    await waitFor('the replayed job to complete', async () =>
      (await replay.getState()) === 'completed' ? true : undefined,
    );
    assert.equal(
      await PricingSystem.metric(sys.worker.url, 'fabflow_pricing_runs_total', {
        outcome: 'skipped',
      }),
      skippedBefore + 1,
    );
    const [after] = await sys.query<{ version: number; attempts: number }>(
      'SELECT version, attempts FROM pricing_jobs WHERE quote_id = $1',
      [done.quote_id],
    );
    assert.equal(after?.version, done.version, 'the finished job was not touched');
    assert.equal(sys.spy.received.length, before, 'no event');
  });

  it('SIGTERM mid-job: the worker finishes the running job, then exits 0 (no re-run)', async () => {
    const port = sys.worker.port;
    await sys.worker.stop();
    sys.worker = sys.newWorker(port, { SHUTDOWN_TIMEOUT_MS: '120000' }, '-graceful');
    await sys.worker.start();
    const file = await sys.uploadModel(sphereStl(50, 700, 700), 'sphere.stl');
    const quoteId = await sys.requestQuote({ file, materialId: 'resin-grey', mode: 'FIRM' });
    await waitFor(
      'the calculation to start',
      () => sys.spy.of(TYPES.progressed, quoteId).length > 0,
      60_000,
    );
    assert.equal(await sys.worker.stop(), 0, 'a clean exit');
    const [row] = await sys.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM pricing_jobs WHERE quote_id = $1',
      [quoteId],
    );
    assert.deepEqual(row, { status: 'DONE', attempts: 1 }, 'finished before the exit, in one run');
    assert.equal(await (await sys.queue().getJob(quoteId))?.getState(), 'completed');
    assert.equal((await sys.outcome(quoteId)).type, TYPES.priced);
  });
});
