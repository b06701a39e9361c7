import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 100, maxMs: 5000, jitter: 0.5 };

  it('doubles per failure from the base and stops at the cap (no jitter drawn)', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelayMs(n, policy, () => 0)),
      [100, 200, 400, 800, 1600, 3200, 5000, 5000],
    );
  });

  it('draws the jitter downwards: between half and all of the delay, never above the cap', () => {
    const draws = [0, 0.25, 0.5, 0.999];
    assert.deepEqual(
      draws.map((r) => backoffDelayMs(3, policy, () => r)),
      [400, 350, 300, 200],
    );
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(20, policy);
      assert.ok(d >= 2500 && d <= 5000, `${d} within [2500, 5000]`);
    }
  });

  it('spreads instances that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, DEFAULT_BACKOFF)));
    assert.ok(delays.size > 10, `50 draws give ${delays.size} different delays`);
  });
});
