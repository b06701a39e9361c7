// Load generation: P producer loops over one open-loop schedule.
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from './stats.mjs';

/**
 * The open-loop schedule: the function it returns waits until event i is due, at
 * t0 + i/rate whatever happened before, and returns when that was (without a rate: now).
 * t0 is 20 ms from the call.
 */
export function openLoop(rate) {
  const t0 = now() + 20;
  return async (i) => {
    const due = rate ? t0 + (i * 1000) / rate : now();
    const wait = due - now();
    if (wait >= 1) await sleep(wait);
    return due;
  };
}

/**
 * Runs `op(i)` for i in [0, n) from `concurrency` loops. With a rate, event i is due at
 * t0 + i/rate whatever happened before (open loop): a loop that falls behind starts late
 * events at once, and the lateness is recorded so that latency from the *scheduled* time
 * is not hidden (coordinated omission). Without a rate, loops go as fast as they can.
 */
export async function drive({ n, rate, concurrency, sched, op }) {
  let next = 0;
  let errors = 0;
  const due = openLoop(rate);
  const loop = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      sched[i] = await due(i);
      try {
        await op(i);
      } catch (err) {
        errors += 1;
        if (errors <= 3) console.error(`  producer error: ${err.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return errors;
}

/** Waits until `done()` reaches n, or gives up after `stallMs` without progress. */
export async function drain(n, done, stallMs = 30_000) {
  let last = -1;
  let lastChange = now();
  while (done() < n) {
    const d = done();
    if (d !== last) [last, lastChange] = [d, now()];
    if (now() - lastChange > stallMs) return false;
    await sleep(5);
  }
  return true;
}
