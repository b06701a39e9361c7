import { gcraStep, shareOf, type RateLimitDecision, type RateLimitRule } from './gcra';
import { untilNextUtcDayUs, utcDay, type QuotaDecision, type QuotaRule } from './quota';

const MAX_KEYS = 100_000;

/**
 * The fallback while Redis is unreachable: the same GCRA in this process's memory, each rule
 * cut to this instance's share (rate ÷ instances), so N instances together stay near the
 * shared limit. Daily quotas likewise count `limit ÷ instances` per instance. State is kept
 * across outages (a bucket drained in one is still drained if Redis flaps), lost on restart.
 */
export class LocalLimiter {
  private readonly tats = new Map<string, number>();
  private readonly quotas = new Map<string, number>();

  constructor(
    private readonly instances: number,
    private readonly nowUs: () => number,
  ) {}

  consume(rule: RateLimitRule, key: string, cost: number): RateLimitDecision {
    const now = this.nowUs();
    if (this.tats.size >= MAX_KEYS) this.evict(now);
    const step = gcraStep(this.tats.get(key), now, shareOf(rule, this.instances), cost);
    if (step.allowed) this.tats.set(key, step.tatUs);
    return {
      allowed: step.allowed,
      remaining: step.remaining,
      retryAfterMs: step.retryAfterUs / 1000,
      resetAfterMs: step.resetAfterUs / 1000,
      degraded: true,
    };
  }

  quota(rule: QuotaRule, key: string, cost: number): QuotaDecision {
    const now = this.nowUs();
    const dayKey = `${key}:${utcDay(now)}`;
    const limit = Math.max(1, Math.floor(rule.limit / this.instances));
    const used = this.quotas.get(dayKey) ?? 0;
    const allowed = cost === 0 || used + cost <= limit;
    const after = allowed ? used + cost : used;
    if (allowed && cost > 0) {
      if (this.quotas.size >= MAX_KEYS) this.quotas.clear();
      this.quotas.set(dayKey, after);
    }
    return {
      allowed,
      limit,
      used: after,
      remaining: Math.max(0, limit - after),
      resetAfterMs: untilNextUtcDayUs(now) / 1000,
      degraded: true,
    };
  }

  /** Buckets whose TAT has passed are full again: forgetting them changes no decision. */
  private evict(now: number): void {
    for (const [k, tat] of this.tats) if (tat <= now) this.tats.delete(k);
    if (this.tats.size >= MAX_KEYS) this.tats.clear();
  }
}
