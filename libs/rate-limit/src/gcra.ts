/**
 * A rate limit enforced with GCRA (the generic cell rate algorithm, a token bucket written as
 * one timestamp): `limit` requests per `periodSeconds` on average, and up to `burst` at once
 * from a full bucket.
 */
export interface RateLimitRule {
  /** The policy's name in the `RateLimit-Policy` / `RateLimit` headers (`"b2b-growth"`). */
  name: string;
  limit: number;
  periodSeconds: number;
  /** Bucket capacity: how many requests a client that was idle may send at once (>= 1). */
  burst: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests that could be sent right now without being limited. */
  remaining: number;
  /** 0 when allowed; otherwise how long until this request would be admitted. */
  retryAfterMs: number;
  /** How long until the bucket is full again (the `t` of the RateLimit header). */
  resetAfterMs: number;
  /** Decided by the per-instance fallback because Redis was unreachable. */
  degraded: boolean;
}

/** The emission interval T = period / limit, in whole microseconds (the unit of the Redis script). */
export function emissionIntervalUs(rule: RateLimitRule): number {
  return Math.max(1, Math.round((rule.periodSeconds * 1_000_000) / rule.limit));
}

export interface GcraStep {
  allowed: boolean;
  remaining: number;
  retryAfterUs: number;
  resetAfterUs: number;
  /** The theoretical arrival time to store (unchanged when the request is refused). */
  tatUs: number;
}

/**
 * One GCRA decision, the reference the Lua script implements (same integer arithmetic):
 * TAT' = max(TAT, now) + T·cost; allowed when now >= TAT' - T·burst. A refused request
 * changes nothing. `burst` requests pass at once from an empty state, then one per T.
 */
export function gcraStep(
  tatUs: number | undefined,
  nowUs: number,
  rule: RateLimitRule,
  cost = 1,
): GcraStep {
  const t = emissionIntervalUs(rule);
  const capacity = t * rule.burst;
  const tat = Math.max(tatUs ?? nowUs, nowUs);
  const newTat = tat + t * cost;
  const allowAt = newTat - capacity;
  if (nowUs < allowAt) {
    return {
      allowed: false,
      remaining: Math.max(0, Math.floor((nowUs - (tat - capacity)) / t)),
      retryAfterUs: allowAt - nowUs,
      resetAfterUs: tat - nowUs,
      tatUs: tat,
    };
  }
  return {
    allowed: true,
    remaining: Math.floor((nowUs - allowAt) / t),
    retryAfterUs: 0,
    resetAfterUs: newTat - nowUs,
    tatUs: newTat,
  };
}

/** A rule as one of `instances` equal shares (rate ÷ instances, burst ÷ instances, at least 1). */
export function shareOf(rule: RateLimitRule, instances: number): RateLimitRule {
  if (instances <= 1) return rule;
  return {
    ...rule,
    limit: rule.limit / instances,
    burst: Math.max(1, Math.ceil(rule.burst / instances)),
  };
}

export function validateRule(rule: RateLimitRule, cost = 1): void {
  if (!(
    rule.limit > 0 &&
    rule.periodSeconds > 0 &&
    Number.isInteger(rule.burst) &&
    rule.burst >= 1
  ))
    throw new Error(`invalid rate-limit rule ${JSON.stringify(rule)}`);
  if (!Number.isInteger(cost) || cost < 1 || cost > rule.burst)
    throw new Error(`cost ${cost} must be an integer in 1..burst (${rule.burst})`);
}
