import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emissionIntervalUs, gcraStep, shareOf, type RateLimitRule } from './gcra';
import { LocalLimiter } from './local-limiter';

// 20 requests/s (T = 50 ms) with bursts of 5.
const RULE: RateLimitRule = { name: 't', limit: 1200, periodSeconds: 60, burst: 5 };
const MS = 1000;

/** Runs the reference GCRA on a fake clock; returns the decisions. */
function run(times: number[], rule = RULE) {
  let tat: number | undefined;
  return times.map((now) => {
    const step = gcraStep(tat, now, rule);
    tat = step.tatUs;
    return step;
  });
}

describe('GCRA (reference implementation, fake clock)', () => {
  it('admits the burst at once, then refuses, with the time until the next slot', () => {
    const t0 = 1_000_000_000;
    const steps = run(Array.from({ length: 7 }, () => t0));
    assert.deepEqual(
      steps.map((s) => s.allowed),
      [true, true, true, true, true, false, false],
    );
    assert.deepEqual(
      steps.slice(0, 5).map((s) => s.remaining),
      [4, 3, 2, 1, 0],
    );
    assert.equal(emissionIntervalUs(RULE), 50 * MS);
    assert.equal(steps[5]!.retryAfterUs, 50 * MS, 'one emission interval until a slot frees');
    assert.equal(steps[4]!.resetAfterUs, 250 * MS, 'the bucket is full again after 5 × T');
  });

  it('admits exactly one request per emission interval at a steady overload', () => {
    // 3× the rate for 30 s: one request every 50/3 ms.
    const t0 = 5_000_000;
    const times = Array.from({ length: 1800 }, (_, i) => t0 + Math.round((i * 50 * MS) / 3));
    const admitted = run(times).filter((s) => s.allowed).length;
    const span = times.at(-1)! - t0;
    // rate × time + burst, to the request.
    assert.equal(admitted, Math.floor(span / (50 * MS)) + RULE.burst);
  });

  it('is refused until exactly retry-after, and admitted from then on', () => {
    let tat: number | undefined;
    const t0 = 0;
    for (let i = 0; i < 5; i++) tat = gcraStep(tat, t0, RULE).tatUs;
    const refused = gcraStep(tat, t0 + 10 * MS, RULE);
    assert.equal(refused.allowed, false);
    const at = t0 + 10 * MS + refused.retryAfterUs;
    assert.equal(gcraStep(tat, at - 1, RULE).allowed, false, '1 µs early is still refused');
    assert.equal(gcraStep(tat, at, RULE).allowed, true);
  });

  it('refills the bucket while idle, never beyond the burst', () => {
    let tat: number | undefined;
    for (let i = 0; i < 5; i++) tat = gcraStep(tat, 0, RULE).tatUs;
    const later = gcraStep(tat, 10_000 * MS, RULE);
    assert.equal(later.allowed, true);
    assert.equal(later.remaining, RULE.burst - 1);
  });

  it('charges a cost of several units at once', () => {
    const s = gcraStep(undefined, 0, RULE, 3);
    assert.equal(s.allowed, true);
    assert.equal(s.remaining, 2);
    const refused = gcraStep(s.tatUs, 0, RULE, 3);
    assert.equal(refused.allowed, false);
    assert.equal(refused.remaining, 2);
    assert.equal(refused.retryAfterUs, 50 * MS);
  });

  it('gives each of N instances rate ÷ N (and burst ÷ N, at least 1) when degraded', () => {
    const share = shareOf(RULE, 3);
    assert.equal(emissionIntervalUs(share), 150 * MS);
    assert.equal(share.burst, 2);
    assert.equal(shareOf({ ...RULE, burst: 1 }, 4).burst, 1);
    let now = 0;
    const local = new LocalLimiter(3, () => now);
    let admitted = 0;
    for (let i = 0; i < 600; i++, now += 10 * MS)
      if (local.consume(RULE, 'k', 1).allowed) admitted += 1;
    // 6 s at a third of 20/s, plus the share of the burst.
    assert.equal(admitted, Math.floor((599 * 10) / 150) + 2);
  });
});
