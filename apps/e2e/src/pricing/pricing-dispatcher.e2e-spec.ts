import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES, type ModelFileRef } from './support/pricing-system';

const N = 200;

/** A file reference; no worker runs here, so the file itself is never read. */
const file = (): ModelFileRef => ({
  fileId: randomUUID(),
  bucket: 'fabflow-models',
  key: `models/${randomUUID()}/${randomUUID()}`,
  sha256: 'a'.repeat(64),
  sizeBytes: 684,
  format: 'STL_BINARY',
  unit: 'mm',
  filename: 'part.stl',
});

/*
 * The dispatcher is the one gate into BullMQ. Two mes-api processes share the database, the
 * mes.quotes queue and the BullMQ queue; no worker runs, so every job stays in BullMQ to count.
 */
describe('pricing dispatcher: two mes-api instances, each job enqueued exactly once', () => {
  let sys: PricingSystem;

  before(async () => {
    sys = await PricingSystem.start('pdisp', {
      mesInstances: 2,
      worker: false,
      // Jobs Redis lost are looked for every second (default 30 s).
      mesEnv: { PRICING_RECOVERY_MS: '1000' },
    });
  });
  after(async () => {
    await sys?.stop();
  });

  const dispatched = async () =>
    Promise.all(
      sys.mes.map((m) => PricingSystem.metric(m.url, 'fabflow_pricing_dispatched_total')),
    );

  it(`records and enqueues ${N} quotes once each, whichever instance handles them`, async () => {
    const quotes = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        sys.requestQuote({ file: file(), channel: i % 3 === 0 ? 'B2C' : 'B2B' }),
      ),
    );
    await waitFor(
      'every job enqueued',
      async () =>
        (
          await sys.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pricing_jobs WHERE enqueued_at IS NOT NULL',
          )
        )[0]!.n === N,
      60_000,
    );
    const counts = await sys.queue().getJobCounts('prioritized', 'wait', 'active', 'completed');
    assert.equal((counts.prioritized ?? 0) + (counts.wait ?? 0), N, JSON.stringify(counts));
    const jobs = await sys.queue().getJobs(['prioritized', 'wait']);
    assert.deepEqual(
      new Set(jobs.map((j) => j.id)),
      new Set(quotes),
      'one BullMQ job per quote, its id the quote id',
    );
    for (const j of jobs) {
      const channel = quotes.indexOf(j.id!) % 3 === 0 ? 'B2C' : 'B2B';
      assert.equal(j.opts.priority, channel === 'B2C' ? 1 : 10, `priority of a ${channel} quote`);
      assert.equal(j.opts.attempts, 3);
      assert.match(String((j.data as { traceparent?: string }).traceparent), /^00-[0-9a-f]{32}-/);
    }
    const perInstance = await dispatched();
    console.log(`# dispatched by instance: ${perInstance.join(' + ')} = ${N}`);
    assert.equal(
      perInstance.reduce((a, b) => a + b, 0),
      N,
      'no job was added twice (SKIP LOCKED: each row claimed by one instance)',
    );
    const handled = await Promise.all(
      sys.mes.map((m) =>
        PricingSystem.metric(m.url, 'fabflow_consumer_messages_total', { queue: 'mes.quotes' }),
      ),
    );
    console.log(`# quote.requested handled by instance: ${handled.join(' + ')}`);
  });

  it('announced the active price list once, although two instances started', async () => {
    const published = await waitFor('PriceListPublished', () => sys.spy.of(TYPES.priceList)[0]);
    assert.equal(published.data.priceListVersion, '2026-12-01');
    assert.deepEqual(
      (published.data.materials as Array<{ id: string }>).map((m) => m.id),
      ['pla-black', 'petg-clear', 'resin-grey', 'pa12-sls', 'pa12-mjf'],
    );
    const [row] = await sys.query<{ n: number; published: boolean }>(
      `SELECT (SELECT count(*)::int FROM outbox WHERE type = $1) AS n,
         (SELECT published_at IS NOT NULL FROM price_lists WHERE active) AS published`,
      [TYPES.priceList],
    );
    assert.deepEqual(row, { n: 1, published: true });
    assert.equal(sys.spy.of(TYPES.priceList).length, 1);
  });

  it('recovers jobs left unenqueued (a crash after the commit, before the add)', async () => {
    const before = (await dispatched()).reduce((a, b) => a + b, 0);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) await insertJob(sys, id);
    await waitFor(
      'the dispatcher to pick them up by polling',
      async () =>
        (
          await sys.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pricing_jobs WHERE quote_id = ANY($1) AND enqueued_at IS NOT NULL',
            [ids],
          )
        )[0]!.n === ids.length,
    );
    for (const id of ids) assert.ok(await sys.queue().getJob(id), `job ${id} in BullMQ`);
    assert.equal(
      (await dispatched()).reduce((a, b) => a + b, 0),
      before + ids.length,
    );
  });

  it('re-adding a job that BullMQ already has (a crash after the add, before marking) is a no-op', async () => {
    const id = randomUUID();
    const original = await sys
      .queue()
      .add('price-quote', { quoteId: id }, { jobId: id, priority: 10, attempts: 3 });
    await insertJob(sys, id);
    await waitFor(
      'the job marked enqueued',
      async () =>
        (
          await sys.query<{ enqueued_at: Date | null }>(
            'SELECT enqueued_at FROM pricing_jobs WHERE quote_id = $1',
            [id],
          )
        )[0]?.enqueued_at,
    );
    const job = await sys.queue().getJob(id);
    assert.equal(job?.timestamp, original.timestamp, 'still the first job');
    assert.equal(
      (job?.data as { traceparent?: string }).traceparent,
      undefined,
      'its data untouched',
    );
    const all = await sys.queue().getJobs(['prioritized', 'wait']);
    assert.equal(all.filter((j) => j.id === id).length, 1);
  });

  it('adds again a job Redis lost (a failover before replication, a restart without the write)', async () => {
    const id = randomUUID();
    await insertJob(sys, id);
    const job = await waitFor('the job in BullMQ', () => sys.queue().getJob(id), 20_000);
    await job.remove();
    const recovered = async () =>
      (
        await Promise.all(
          sys.mes.map((m) => PricingSystem.metric(m.url, 'fabflow_pricing_recovered_total')),
        )
      ).reduce((a, b) => a + b, 0);
    await waitFor('the job back in BullMQ', () => sys.queue().getJob(id), 20_000, 200);
    assert.ok((await recovered()) >= 1, 'counted as recovered');
    const all = await sys.queue().getJobs(['prioritized', 'wait']);
    assert.equal(all.filter((j) => j.id === id).length, 1, 'once');
  });
});

/** A recorded pricing job as the quote.requested handler writes it, not yet enqueued. */
async function insertJob(sys: PricingSystem, quoteId: string): Promise<void> {
  await sys.query(
    `INSERT INTO pricing_jobs (quote_id, customer_id, channel, account_id, priority, file, material_id,
       quantity, lead_time, requested_mode, requested_at)
     VALUES ($1, $2, 'B2B', $3, 10, $4, 'pla-black', 1, 'STANDARD', 'INDICATIVE', now())`,
    [quoteId, randomUUID(), randomUUID(), JSON.stringify(file())],
  );
}
