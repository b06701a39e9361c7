import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pricingEngineFixtures, REPO_ROOT, waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES } from './support/pricing-system';

const B2B = 50;

describe('pricing priority: B2C before B2B', () => {
  let sys: PricingSystem;

  before(async () => {
    // The worker starts only once everything is queued, with one job at a time.
    sys = await PricingSystem.start('pprio', {
      worker: false,
      workerEnv: { PRICING_CONCURRENCY: '1' },
    });
  });
  after(async () => {
    await sys?.stop();
  });

  it(`starts a B2C quote submitted behind ${B2B} queued B2B quotes first`, async () => {
    const f = pricingEngineFixtures();
    const b2b: string[] = [];
    for (let i = 0; i < B2B; i++) {
      // Different sizes: no two are the same cache entry, each is a real calculation.
      const file = await sys.uploadModel(f.toBinaryStl(f.cube(10 + i)), `b2b-${i}.stl`);
      b2b.push(await sys.requestQuote({ file, channel: 'B2B' }));
    }
    await waitFor('the B2B quotes in BullMQ', async () => (await enqueued(sys)) === B2B, 30_000);
    const b2c = await sys.requestQuote({
      file: await sys.uploadModel(f.toBinaryStl(f.cube(9)), 'b2c.stl'),
      channel: 'B2C',
    });
    await waitFor('the B2C quote in BullMQ', async () => (await enqueued(sys)) === B2B + 1, 30_000);

    await sys.worker.start();
    for (const q of [b2c, ...b2b]) assert.equal((await sys.outcome(q)).type, TYPES.priced);

    const order = (
      await sys.query<{ quote_id: string; channel: string }>(
        'SELECT quote_id, channel FROM pricing_jobs ORDER BY started_at, quote_id',
      )
    ).map((r) => r.quote_id);
    const position = order.indexOf(b2c) + 1;
    // Within one priority BullMQ is FIFO by enqueue; the MES records concurrent deliveries in
    // commit order, so neighbours may swap. Printed, not asserted: only channels are ordered.
    const started = order.filter((q) => q !== b2c).map((q) => b2b.indexOf(q));
    const displaced = started.filter((submitted, i) => submitted !== i).length;
    console.log(
      `# start order: the B2C quote (submitted ${order.length}th) started ${position} of ${order.length}; ` +
        `${displaced} of ${B2B} B2B quotes started off their submission position`,
    );
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(
      join(REPO_ROOT, 'test-results', 'pricing-priority.json'),
      JSON.stringify(
        { b2cSubmitted: B2B + 1, b2cStarted: position, b2bDisplaced: displaced, startOrder: order },
        null,
        2,
      ),
    );
    assert.equal(position, 1, 'the B2C quote started first');
    assert.deepEqual(new Set(order.slice(1)), new Set(b2b), 'then every B2B quote');
  });
});

async function enqueued(sys: PricingSystem): Promise<number> {
  return (
    await sys.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pricing_jobs WHERE enqueued_at IS NOT NULL',
    )
  )[0]!.n;
}
