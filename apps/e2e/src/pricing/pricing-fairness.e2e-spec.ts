import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT, sphereStl, waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES, type ModelFileRef } from './support/pricing-system';

const CAP = 2;
const A_QUOTES = 12;
const B_QUOTES = 4;
/** Triangles per model: FIRM calculations of a few hundred ms, long next to the dispatch path. */
const SEGMENTS = Number(process.env.PRICING_FAIRNESS_SEGMENTS ?? 160);
/** The dispatcher's safety-net poll, long here: a freed slot must be refilled by the wake-up. */
const POLL_MS = 10_000;
/** Most a freed slot of A may take to be refilled (finish → next job in BullMQ). */
const REFILL_MAX_MS = 2_500;

interface Run {
  quote_id: string;
  account_id: string;
  enqueued_at: Date;
  started_at: Date;
  finished_at: Date;
  attempts: number;
}

/** Most runs of one account overlapping at any instant, from their [start, finish) intervals. */
function maxOverlap(runs: Run[]): number {
  const edges = runs.flatMap((r) => [
    { t: r.started_at.getTime(), d: 1 },
    { t: r.finished_at.getTime(), d: -1 },
  ]);
  // A finish at the same instant as a start frees the slot first.
  edges.sort((x, y) => x.t - y.t || x.d - y.d);
  let now = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (now += e.d));
  return most;
}

/*
 * Two B2B accounts of the same tier (cap 2) against the real worker pool (one worker, 3 jobs at
 * a time) and two mes-api instances both running the dispatcher. A submits 12 quotes, then, once
 * they are recorded and A's first job runs, B submits 4. Without caps A's 12 jobs would all sit in BullMQ ahead of B's (same priority, FIFO)
 * and B's first job would start 13th; with them A never has more than 2 in flight, so the
 * worker's third slot is free for B as soon as B's first job is recorded.
 */
describe('pricing fairness: two B2B accounts of one tier, two dispatchers, the real worker', () => {
  let sys: PricingSystem;

  before(async () => {
    sys = await PricingSystem.start('pfair', {
      mesInstances: 2,
      mesEnv: { PRICING_DISPATCH_POLL_MS: String(POLL_MS) },
      workerEnv: { PRICING_CONCURRENCY: '3' },
    });
  });
  after(async () => {
    await sys?.stop();
  });

  it(`A's ${A_QUOTES} quotes do not starve B's ${B_QUOTES}, and neither account runs more than ${CAP} at once`, async () => {
    const a = randomUUID();
    const b = randomUUID();
    // A distinct model per quote: every job is a real calculation, none a cache hit.
    const files: ModelFileRef[] = [];
    for (let i = 0; i < A_QUOTES + B_QUOTES; i++)
      files.push(await sys.uploadModel(sphereStl(20 + i, SEGMENTS, SEGMENTS), `part-${i}.stl`));
    const quote = (accountId: string, i: number) =>
      sys.requestQuote({
        file: files[i]!,
        channel: 'B2B',
        accountId,
        maxConcurrentJobs: CAP,
        materialId: 'resin-grey',
        mode: 'FIRM',
      });

    let maxHeld = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const held = await Promise.all(
          sys.mes.map((m) =>
            PricingSystem.metric(m.url, 'fabflow_pricing_held_jobs').catch(() => 0),
          ),
        );
        maxHeld = Math.max(maxHeld, ...held);
        await sleep(100);
      }
    })();

    const t0 = Date.now();
    const aQuotes: string[] = [];
    for (let i = 0; i < A_QUOTES; i++) aQuotes.push(await quote(a, i));
    // B comes once A's batch is recorded and running: A's backlog is there first. (Arriving in
    // the same dispatch pass, B would be interleaved by the round-robin alone.)
    await waitFor(
      "A's quotes recorded and A's first job started",
      async () =>
        (
          await sys.query<{ n: number; started: number }>(
            `SELECT count(*)::int AS n, count(started_at)::int AS started FROM pricing_jobs
             WHERE account_id = $1`,
            [a],
          )
        ).map((r) => r.n === A_QUOTES && r.started > 0)[0],
      30_000,
      20,
    );
    const bQuotes: string[] = [];
    for (let i = 0; i < B_QUOTES; i++) bQuotes.push(await quote(b, A_QUOTES + i));
    for (const q of [...aQuotes, ...bQuotes])
      assert.equal((await sys.outcome(q, 120_000)).type, TYPES.priced, `quote ${q} priced`);
    sampling = false;
    await sampler;
    const wallMs = Date.now() - t0;

    const runs = await sys.query<Run>(
      `SELECT quote_id, account_id, enqueued_at, started_at, finished_at, attempts FROM pricing_jobs
       ORDER BY started_at, quote_id`,
    );
    assert.equal(runs.length, A_QUOTES + B_QUOTES);
    const order = runs.map((r) => (r.account_id === a ? 'A' : 'B'));
    const startOf = (account: string, nth: number) =>
      runs.filter((r) => r.account_id === account)[nth - 1]!.started_at.getTime();
    const rel = (t: number) => t - runs[0]!.started_at.getTime();
    const aRuns = runs.filter((r) => r.account_id === a);
    const bRuns = runs.filter((r) => r.account_id === b);
    const ms = (r: Run) => r.finished_at.getTime() - r.started_at.getTime();
    const meanRun = Math.round(runs.reduce((n, r) => n + ms(r), 0) / runs.length);
    // A's k-th dispatch (k > CAP) needs A's (k - CAP)-th finish first: the gap is how long the
    // freed slot stayed empty (the BullMQ 'completed' event waking a dispatcher, one pass).
    const aFinished = aRuns.map((r) => r.finished_at.getTime()).sort((x, y) => x - y);
    const aEnqueued = aRuns.map((r) => r.enqueued_at.getTime()).sort((x, y) => x - y);
    const refills = aEnqueued.slice(CAP).map((e, i) => e - aFinished[i]!);
    const dispatched = await Promise.all(
      sys.mes.map((m) => PricingSystem.metric(m.url, 'fabflow_pricing_dispatched_total')),
    );
    const summary = {
      startOrder: order.join(''),
      bFirstStartMs: rel(startOf(b, 1)),
      aFourthStartMs: rel(startOf(a, 4)),
      bFirstPosition: order.indexOf('B') + 1,
      bLastPosition: order.lastIndexOf('B') + 1,
      maxOverlap: { A: maxOverlap(aRuns), B: maxOverlap(bRuns) },
      maxHeldGauge: maxHeld,
      refillMs: {
        min: Math.min(...refills),
        mean: Math.round(refills.reduce((x, y) => x + y, 0) / refills.length),
        max: Math.max(...refills),
      },
      meanRunMs: meanRun,
      wallMs,
      dispatchedByInstance: dispatched,
      retries: runs.filter((r) => r.attempts > 1).length,
    };
    console.log(`# fairness: ${JSON.stringify(summary)}`);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(
      join(REPO_ROOT, 'test-results', 'pricing-fairness.json'),
      JSON.stringify(summary, null, 2),
    );

    // No more than CAP of one account ran at any instant (started_at: the first start by a
    // worker, finished_at: the result committed). No run was retried, so started_at is the one run.
    assert.equal(summary.retries, 0, 'no job re-ran (the intervals are exact)');
    assert.ok(summary.maxOverlap.A <= CAP, `A ran ${summary.maxOverlap.A} at once`);
    assert.ok(summary.maxOverlap.B <= CAP, `B ran ${summary.maxOverlap.B} at once`);
    // The cap was used, not just respected: A (with a backlog) had CAP running together.
    assert.equal(summary.maxOverlap.A, CAP, 'A ran its cap of jobs at once');
    // No starvation: B's first job started before A's 4th. With A capped at 2 and 3 worker slots,
    // B's first job goes into BullMQ when it is recorded and takes the free slot; A's 4th can
    // only start after two of A's jobs finished. This fails if B's quote took longer to be
    // recorded and dispatched than two of A's FIRM runs (a machine so loaded that messaging
    // stalls for a whole run), or if A's jobs were all in BullMQ ahead of B's (no cap).
    assert.ok(
      summary.bFirstStartMs < summary.aFourthStartMs,
      `B's first job started at ${summary.bFirstStartMs} ms, A's 4th at ${summary.aFourthStartMs} ms (${summary.startOrder})`,
    );
    // And B was not left for last: its 4 jobs all started before A's last one did.
    assert.ok(
      summary.bLastPosition < A_QUOTES + B_QUOTES,
      `B's last job started ${summary.bLastPosition}th of ${A_QUOTES + B_QUOTES} (${summary.startOrder})`,
    );
    // The cap as dispatch times: A's k-th job entered BullMQ only after its (k - CAP)-th finished.
    assert.ok(
      summary.refillMs.min >= 0,
      `A dispatched a job before a slot was free (${refills.join(', ')} ms)`,
    );
    // And promptly: well before the 10 s poll; only the wake-up on a finished job explains it.
    assert.ok(
      summary.refillMs.max < REFILL_MAX_MS,
      `a freed slot of A stayed empty ${summary.refillMs.max} ms (poll every ${POLL_MS} ms)`,
    );
    // The gauge saw A's backlog held by its cap (12 recorded, at most 2 in flight).
    assert.ok(maxHeld >= A_QUOTES - CAP - 2, `fabflow_pricing_held_jobs peaked at ${maxHeld}`);
    // Both mes-api instances ran dispatch passes on the same jobs.
    assert.equal(
      dispatched.reduce((x, y) => x + y, 0),
      A_QUOTES + B_QUOTES,
      'each job added to BullMQ once across the two instances',
    );
  });
});
