/** Exponential backoff: `baseMs`, doubling per consecutive failure, capped at `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /**
   * Share of the delay drawn at random, downwards (0: none; 0.5: "equal jitter", a delay
   * between half and all of the exponential one). Downwards only, so `maxMs` stays a bound.
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5000, jitter: 0.5 };

/**
 * The delay before retrying after `failures` consecutive failures (1 for the first). Jitter
 * spreads the retries of several instances that failed at the same moment (a broker that went
 * away for all of them), so they do not come back in lockstep.
 */
export function backoffDelayMs(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(capped * (1 - policy.jitter * random()));
}
