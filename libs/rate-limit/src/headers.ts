import type { RateLimitDecision, RateLimitRule } from './gcra';
import type { QuotaDecision, QuotaRule } from './quota';

/*
 * The fields of draft-ietf-httpapi-ratelimit-headers (-11): `RateLimit-Policy` is a List of
 * quota policies, each a String naming the policy with `q` (quota) and `w` (window, seconds);
 * `RateLimit` is a List of service limits, each naming its policy with `r` (available quota)
 * and `t` (seconds until it is restored). Unknown parameters are comments; ours carry the
 * vendor prefix `ff-`, as the draft recommends.
 */

/** An sf-string: printable ASCII with `"` and `\` escaped. */
function sfString(s: string): string {
  return `"${s.replace(/[^\x20-\x7e]/g, '?').replace(/(["\\])/g, '\\$1')}"`;
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/** `"b2b-growth";q=1200;w=60;ff-burst=40`: the average rate, and the burst GCRA allows at once. */
export function ratePolicyItem(rule: RateLimitRule): string {
  return `${sfString(rule.name)};q=${Math.floor(rule.limit)};w=${Math.ceil(rule.periodSeconds)};ff-burst=${rule.burst}`;
}

/** `"b2b-growth";r=39;t=2`: requests available now, and seconds until the bucket is full again. */
export function rateLimitItem(rule: RateLimitRule, d: RateLimitDecision): string {
  return `${sfString(rule.name)};r=${d.remaining};t=${seconds(d.resetAfterMs)}`;
}

/** `"quotes-daily";q=500;w=86400`. */
export function quotaPolicyItem(rule: QuotaRule): string {
  return `${sfString(rule.name)};q=${rule.limit};w=86400`;
}

/** `"quotes-daily";r=480;t=3600`: units left today, and seconds until the next UTC midnight. */
export function quotaLimitItem(rule: QuotaRule, d: QuotaDecision): string {
  return `${sfString(rule.name)};r=${d.remaining};t=${seconds(d.resetAfterMs)}`;
}

/**
 * Retry-After (delay-seconds) for a refused request: rounded up, so a client that waits that
 * long is admitted (unless it sent more meanwhile); never 0.
 */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
