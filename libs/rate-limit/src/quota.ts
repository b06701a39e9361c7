/** A daily quota: at most `limit` units per UTC day, counted across every instance. */
export interface QuotaRule {
  /** `"quotes-daily"`: the policy name in the headers and the counter's name. */
  name: string;
  limit: number;
}

export interface QuotaDecision {
  allowed: boolean;
  limit: number;
  /** Units used today, including this one when allowed. */
  used: number;
  remaining: number;
  /** Until the counter starts again at 0 (next UTC midnight). */
  resetAfterMs: number;
  degraded: boolean;
}

export const DAY_US = 86_400 * 1_000_000;

/** The UTC day number (days since the epoch) of a time in microseconds, as the script computes it. */
export function utcDay(nowUs: number): number {
  return Math.floor(Math.floor(nowUs / 1_000_000) / 86_400);
}

export function untilNextUtcDayUs(nowUs: number): number {
  return (utcDay(nowUs) + 1) * DAY_US - nowUs;
}
