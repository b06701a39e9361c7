import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeTimers, settle } from './testing';
import { WakeableLoop, type BackoffEvent, type PassOutcome } from './wakeable-loop';

const POLL_MS = 1000;

/**
 * A loop on a fake clock whose passes return the scripted outcomes in turn ('idle' once the
 * script is used up; an Error is thrown). `hold()` makes the next pass wait until released.
 */
function harness(script: Array<PassOutcome | Error> = [], random = () => 0) {
  const timers = new FakeTimers();
  const passes: number[] = [];
  const backoffs: BackoffEvent[] = [];
  let gate: Promise<void> | undefined;
  let inPass = false;
  const loop = new WakeableLoop({
    pollIntervalMs: POLL_MS,
    backoff: { baseMs: 100, maxMs: 1000, jitter: 0.5 },
    timers,
    random,
    onBackoff: (e) => backoffs.push(e),
    pass: async () => {
      passes.push(timers.now);
      inPass = true;
      try {
        if (gate) await gate;
      } finally {
        inPass = false;
      }
      const next = script.shift() ?? 'idle';
      if (next instanceof Error) throw next;
      return next;
    },
  });
  const hold = () => {
    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    return async () => {
      gate = undefined;
      release();
      await settle();
    };
  };
  return { loop, timers, passes, backoffs, hold, inPass: () => inPass };
}

describe('WakeableLoop', { timeout: 10_000 }, () => {
  it('runs a pass at start, then one per poll interval as the safety net', async () => {
    const { loop, timers, passes } = harness();
    loop.start();
    await settle();
    assert.deepEqual(passes, [0]);
    await timers.advance(POLL_MS - 1);
    assert.deepEqual(passes, [0], 'not before the interval');
    await timers.advance(1);
    assert.deepEqual(passes, [0, POLL_MS]);
    await timers.advance(POLL_MS);
    assert.deepEqual(passes, [0, POLL_MS, 2 * POLL_MS]);
    await loop.stop();
  });

  it('a wake cuts the idle wait short', async () => {
    const { loop, timers, passes } = harness();
    loop.start();
    await timers.advance(300);
    loop.wake();
    await settle();
    assert.deepEqual(passes, [0, 300]);
    await timers.advance(POLL_MS - 1);
    assert.equal(passes.length, 2, 'the poll interval counts again from the last pass');
    await loop.stop();
  });

  it('a wake during a pass runs the next pass right after it', async () => {
    const { loop, timers, passes, hold } = harness();
    const release = hold();
    loop.start();
    await settle();
    assert.equal(passes.length, 1);
    loop.wake();
    await release();
    assert.deepEqual(passes, [0, 0], 'ran again without waiting');
    await timers.advance(POLL_MS - 1);
    assert.equal(passes.length, 2, 'then idles');
    await loop.stop();
  });

  it('a pass that did a full batch runs again at once, until one is idle', async () => {
    const { loop, timers, passes } = harness(['more', 'more', 'idle']);
    loop.start();
    await settle();
    assert.deepEqual(passes, [0, 0, 0]);
    await timers.advance(POLL_MS);
    assert.deepEqual(passes, [0, 0, 0, POLL_MS]);
    await loop.stop();
  });

  it('backs off exponentially after failures, capped, and reports each one', async () => {
    const boom = new Error('broker unavailable');
    const { loop, timers, passes, backoffs } = harness([boom, boom, boom, boom, boom, 'idle']);
    loop.start();
    await settle();
    // random() = 0: no jitter taken, so the delays are 100, 200, 400, 800, then the 1000 cap.
    for (const delay of [100, 200, 400, 800, 1000]) {
      const before = passes.length;
      await timers.advance(delay - 1);
      assert.equal(passes.length, before, `still backing off (${delay} ms)`);
      await timers.advance(1);
      assert.equal(passes.length, before + 1, `retried after ${delay} ms`);
    }
    assert.deepEqual(
      backoffs.map((b) => [b.failures, b.retryInMs, b.error?.message]),
      [1, 2, 3, 4, 5].map((n, i) => [n, [100, 200, 400, 800, 1000][i], 'broker unavailable']),
    );
    assert.deepEqual(
      backoffs.map((b) => b.worthReporting),
      [true, false, false, false, false],
      'the first failure of a run is worth a log line',
    );
    assert.equal(loop.failures, 0, 'a pass that went well forgets the failures');
    await loop.stop();
  });

  it('takes jitter off the backoff (between half and all of it), never above the cap', async () => {
    const boom = new Error('x');
    const { loop, timers, passes, backoffs } = harness([boom, boom, boom, boom, boom], () => 1);
    loop.start();
    await settle();
    for (const delay of [50, 100, 200, 400, 500]) await timers.advance(delay);
    assert.equal(passes.length, 6);
    assert.deepEqual(
      backoffs.map((b) => b.retryInMs),
      [50, 100, 200, 400, 500],
    );
    await loop.stop();
  });

  it('a wake does not cut a failure backoff short; resume does, and forgets the failures', async () => {
    const boom = new Error('x');
    const { loop, timers, passes, backoffs } = harness([boom, boom, boom, boom]);
    loop.start();
    await timers.advance(100 + 200 + 400);
    assert.equal(passes.length, 4);
    assert.equal(loop.failures, 4);
    loop.wake();
    await settle();
    assert.equal(passes.length, 4, 'woken, but still backing off 800 ms');
    await timers.advance(10);
    loop.resume();
    await settle();
    assert.equal(passes.length, 5, 'resumed: ran at once');
    assert.equal(loop.failures, 0);
    assert.deepEqual(backoffs.at(-1), {
      failures: 4,
      retryInMs: 800,
      error: boom,
      worthReporting: false,
    });
    await loop.stop();
  });

  it('a resume during a failing pass retries at once, from the first backoff step', async () => {
    const boom = new Error('x');
    const { loop, timers, passes, hold, backoffs } = harness([boom, boom, boom]);
    loop.start();
    await timers.advance(100 + 199);
    assert.equal(loop.failures, 2);
    const release = hold();
    await timers.advance(1);
    assert.equal(passes.length, 3, 'the third pass is in progress');
    loop.resume();
    await release();
    assert.equal(passes.length, 4, 'resumed while it failed: no backoff');
    assert.deepEqual(
      backoffs.map((b) => b.retryInMs),
      [100, 200, 0],
    );
    await loop.stop();
  });

  it('a blocked pass backs off, but a wake (new work) runs the next pass at once', async () => {
    const { loop, timers, passes, backoffs, hold } = harness(['blocked', 'blocked', 'blocked']);
    loop.start();
    await settle();
    assert.equal(passes.length, 1);
    await timers.advance(99);
    assert.equal(passes.length, 1, 'backing off');
    loop.wake();
    await settle();
    assert.equal(passes.length, 2, 'woken during the backoff');
    const release = hold();
    await timers.advance(200);
    assert.equal(passes.length, 3);
    loop.wake();
    await release();
    assert.equal(passes.length, 4, 'woken during the pass: no backoff');
    assert.deepEqual(
      backoffs.map((b) => [b.failures, b.retryInMs, b.error]),
      [
        [1, 100, undefined],
        [2, 200, undefined],
        [3, 0, undefined],
      ],
    );
    await loop.stop();
  });

  it('stop waits for the pass in progress, and no pass runs after it', async () => {
    const { loop, timers, passes, hold, inPass } = harness();
    loop.start();
    await timers.advance(POLL_MS);
    const release = hold();
    await timers.advance(POLL_MS);
    assert.ok(inPass());
    loop.wake(); // would run again after this pass, were it not stopping
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false, 'still draining the pass');
    await release();
    await stopping;
    assert.equal(stopped, true);
    assert.equal(inPass(), false);
    await timers.advance(10 * POLL_MS);
    assert.equal(passes.length, 3, 'no pass after stop');
    assert.deepEqual(timers.pending, [], 'no timer left behind');
    assert.equal(loop.running, false);
  });

  it('stop cuts a wait short, even a failure backoff', async () => {
    const { loop, passes, timers } = harness([new Error('x')]);
    loop.start();
    await settle();
    assert.deepEqual(timers.pending, [100]);
    await loop.stop();
    assert.deepEqual(timers.pending, []);
    assert.equal(passes.length, 1);
  });

  it('starts again after a stop, and start while running is a no-op', async () => {
    const { loop, timers, passes } = harness();
    loop.start();
    loop.start();
    await settle();
    assert.equal(passes.length, 1, 'one loop, not two');
    await loop.stop();
    loop.start();
    await settle();
    assert.equal(passes.length, 2);
    await timers.advance(POLL_MS);
    assert.equal(passes.length, 3);
    assert.equal(timers.pending.length, 1, 'one wait pending: a single loop runs');
    await loop.stop();
  });

  it('uses the default backoff policy when given none: 200 ms first', async () => {
    const timers = new FakeTimers();
    const seen: BackoffEvent[] = [];
    let calls = 0;
    const loop = new WakeableLoop({
      pollIntervalMs: POLL_MS,
      timers,
      random: () => 0,
      onBackoff: (e) => seen.push(e),
      pass: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('first')) : Promise.resolve('idle');
      },
    });
    loop.start();
    await timers.advance(200);
    assert.equal(calls, 2);
    assert.equal(seen[0]?.error?.message, 'first');
    assert.equal(seen[0]?.retryInMs, 200, 'default policy: 200 ms first');
    await loop.stop();
  });
});
