import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pricingEngineFixtures, sphereStl, waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES } from './support/pricing-system';

const TIMEOUT_MS = 1500;

/*
 * What is retried and what is not: a calculation past PRICING_TIMEOUT_MS is stopped and failed
 * for good (the same model would time out again); an unexpected error is retried with backoff
 * PRICING_ATTEMPTS times and then fails as INTERNAL. Either way exactly one QuoteFailed.
 */
describe('pricing retries: a timeout fails at once, an unexpected error after its attempts', () => {
  let sys: PricingSystem;
  const f = pricingEngineFixtures();

  before(async () => {
    sys = await PricingSystem.start('pretry', {
      workerEnv: { PRICING_CONCURRENCY: '1', PRICING_TIMEOUT_MS: String(TIMEOUT_MS) },
      mesEnv: { PRICING_ATTEMPTS: '3', PRICING_BACKOFF_MS: '200' },
    });
  });
  after(async () => {
    await sys?.stop();
  });

  it('stops a calculation past the time limit: FAILED with TIMEOUT, not retried, the next quote priced', async () => {
    const big = await sys.uploadModel(sphereStl(50, 1000, 1000), 'big.stl');
    const quoteId = await sys.requestQuote({ file: big, materialId: 'resin-grey', mode: 'FIRM' });
    const out = await sys.outcome(quoteId, 120_000);
    assert.equal(out.type, TYPES.failed, JSON.stringify(out.data));
    assert.equal(out.data.code, 'TIMEOUT');
    assert.match(
      String(out.data.reason),
      /longer than 2 seconds, so it was stopped\. Simplify the model/,
    );
    const [row] = await sys.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM pricing_jobs WHERE quote_id = $1',
      [quoteId],
    );
    assert.deepEqual(row, { status: 'FAILED', attempts: 1 });
    const job = await waitFor('BullMQ to fail the job', async () => {
      const j = await sys.queue().getJob(quoteId);
      return j && (await j.getState()) === 'failed' ? j : undefined;
    });
    assert.equal(job.attemptsMade, 1);
    // The terminated thread was replaced: the next calculation runs.
    const ok = await sys.outcome(
      await sys.requestQuote({ file: await sys.uploadModel(f.toBinaryStl(f.cube(10)), 'ok.stl') }),
    );
    assert.equal(ok.type, TYPES.priced);
  });

  it('retries an unexpected error with backoff, then fails the quote as INTERNAL, once', async () => {
    // A model not priced before: a cached result would not need the file at all.
    const good = await sys.uploadModel(f.toBinaryStl(f.cube(13)), 'cube.stl');
    // S3 refuses the request (not a missing object: an error no retry on our side can fix
    // quickly, like an outage), so every attempt fails.
    const quoteId = await sys.requestQuote({ file: { ...good, bucket: 'Not_A_Valid_Bucket' } });
    const out = await sys.outcome(quoteId, 60_000);
    assert.equal(out.type, TYPES.failed, JSON.stringify(out.data));
    assert.equal(out.data.code, 'INTERNAL');
    assert.match(String(out.data.reason), /problem on our side.*request the quote again later/);
    const [row] = await sys.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM pricing_jobs WHERE quote_id = $1',
      [quoteId],
    );
    assert.deepEqual(row, { status: 'FAILED', attempts: 3 }, 'PRICING_ATTEMPTS runs, no more');
    const job = await waitFor('BullMQ to fail the job', async () => {
      const j = await sys.queue().getJob(quoteId);
      return j && (await j.getState()) === 'failed' ? j : undefined;
    });
    assert.equal(job.attemptsMade, 3);
    assert.equal(sys.spy.of(TYPES.failed, quoteId).length, 1, 'one QuoteFailed');
    const m = await PricingSystem.scrape(sys.worker.url);
    assert.equal(m('fabflow_pricing_runs_total', { outcome: 'retried' }), 2);
    assert.equal(m('fabflow_pricing_runs_total', { outcome: 'internal_error' }), 1);
  });
});
