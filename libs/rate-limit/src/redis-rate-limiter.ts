import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import {
  emissionIntervalUs,
  validateRule,
  type RateLimitDecision,
  type RateLimitRule,
} from './gcra';
import { LocalLimiter } from './local-limiter';
import type { QuotaDecision, QuotaRule } from './quota';
import type { RateLimitMetrics } from './rate-limit-metrics';
import { GCRA_SCRIPT, QUOTA_SCRIPT, type LuaScript } from './scripts';

export interface RedisRateLimiterOptions {
  /** A client of its own, with the offline queue off, so an outage fails fast (see createLimiterRedis). */
  redis: Redis;
  /** Prefix of every key (`fabflow:rl:shop`); each partition key is wrapped in a hash tag. */
  keyPrefix: string;
  /** Instances sharing the limits: while Redis is unreachable each one allows rate ÷ instances. */
  instances: number;
  logger: Logger;
  metrics?: RateLimitMetrics;
  /** While degraded, one call every this many ms tries Redis again (the others go local at once). */
  probeIntervalMs?: number;
  /** Tests only: "now" in microseconds, passed to the scripts instead of Redis TIME. */
  clockUs?: () => number;
}

export interface ConsumeOptions {
  cost?: number;
  /** Metrics label (the route's policy, e.g. `b2b`); defaults to the rule's name. */
  policy?: string;
}

type Reply = [number, number, number, number?];

const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith('NOSCRIPT');

/**
 * The shared limiter: GCRA and daily quotas as atomic Lua scripts in Redis (EVALSHA, and EVAL
 * when Redis answers NOSCRIPT after a restart or SCRIPT FLUSH), so every instance draws from
 * one bucket per key. When Redis cannot be reached, decisions fall back to a per-instance
 * limiter at rate ÷ instances (`degraded`), logged once per transition and exported as
 * `fabflow_rate_limit_degraded`; the first successful call switches back.
 */
export class RedisRateLimiter {
  private readonly local: LocalLimiter;
  private degradedSince: number | undefined;
  private lastProbe = 0;
  /** Times a script had to be sent again (NOSCRIPT); for tests and diagnostics. */
  scriptReloads = 0;

  constructor(private readonly opts: RedisRateLimiterOptions) {
    this.local = new LocalLimiter(Math.max(1, opts.instances), () => this.localNowUs());
    opts.metrics?.degraded.set(0);
  }

  get degraded(): boolean {
    return this.degradedSince !== undefined;
  }

  /** Takes `cost` (default 1) from the bucket of `key` under `rule`. */
  async consume(
    rule: RateLimitRule,
    key: string,
    options: ConsumeOptions = {},
  ): Promise<RateLimitDecision> {
    const cost = options.cost ?? 1;
    validateRule(rule, cost);
    const decision = await this.withFallback(
      async () => {
        const [allowed, remaining, retryUs, resetUs] = await this.run(
          GCRA_SCRIPT,
          [this.key(key, 'g')],
          [emissionIntervalUs(rule), rule.burst, cost],
        );
        return {
          allowed: allowed === 1,
          remaining,
          retryAfterMs: retryUs / 1000,
          resetAfterMs: (resetUs ?? 0) / 1000,
          degraded: false,
        };
      },
      () => this.local.consume(rule, key, cost),
    );
    this.opts.metrics?.decisions.inc({
      policy: options.policy ?? rule.name,
      outcome: decision.allowed ? 'allowed' : 'limited',
      mode: decision.degraded ? 'degraded' : 'redis',
    });
    return decision;
  }

  /** Counts `cost` units against today's quota (UTC); a refused request is not counted. */
  quota(rule: QuotaRule, key: string, cost = 1): Promise<QuotaDecision> {
    if (!Number.isInteger(cost) || cost < 0)
      throw new Error(`quota cost must be >= 0, got ${cost}`);
    return this.withFallback(
      async () => {
        const [allowed, used, resetUs] = await this.run(
          QUOTA_SCRIPT,
          [this.key(key, `q:${rule.name}`)],
          [rule.limit, cost],
        );
        return {
          allowed: allowed === 1,
          limit: rule.limit,
          used,
          remaining: Math.max(0, rule.limit - used),
          resetAfterMs: resetUs / 1000,
          degraded: false,
        };
      },
      () => this.local.quota(rule, key, cost),
    );
  }

  /** Today's usage of a quota, without counting anything. */
  peekQuota(rule: QuotaRule, key: string): Promise<QuotaDecision> {
    return this.quota(rule, key, 0);
  }

  /** `{prefix}:{<partition>}:<kind>`: one hash slot per partition (API key, IP). */
  private key(partition: string, kind: string): string {
    return `${this.opts.keyPrefix}:{${partition}}:${kind}`;
  }

  private async run(
    script: LuaScript,
    keys: string[],
    args: Array<string | number>,
  ): Promise<Reply> {
    const argv = [...args.map(String), this.opts.clockUs ? String(this.opts.clockUs()) : ''];
    try {
      return (await this.opts.redis.evalsha(script.sha, keys.length, ...keys, ...argv)) as Reply;
    } catch (err) {
      if (!isNoScript(err)) throw err;
      this.scriptReloads += 1;
      // EVAL runs it and caches it again: the next call's EVALSHA finds it.
      return (await this.opts.redis.eval(script.source, keys.length, ...keys, ...argv)) as Reply;
    }
  }

  private async withFallback<T>(viaRedis: () => Promise<T>, viaLocal: () => T): Promise<T> {
    if (this.degradedSince !== undefined) {
      const now = Date.now();
      if (now - this.lastProbe < (this.opts.probeIntervalMs ?? 1000)) return viaLocal();
      this.lastProbe = now;
    }
    try {
      const result = await viaRedis();
      if (this.degradedSince !== undefined) this.recovered();
      return result;
    } catch (err) {
      this.opts.metrics?.redisErrors.inc();
      if (this.degradedSince === undefined) this.degrade(err as Error);
      return viaLocal();
    }
  }

  private degrade(err: Error): void {
    this.degradedSince = Date.now();
    this.lastProbe = this.degradedSince;
    this.opts.metrics?.degraded.set(1);
    this.opts.logger.warn(
      { err: err.message, instances: this.opts.instances },
      `rate limiter degraded: Redis unreachable; each instance now limits on its own at rate ÷ ${this.opts.instances}`,
    );
  }

  private recovered(): void {
    const downMs = Date.now() - (this.degradedSince ?? Date.now());
    this.degradedSince = undefined;
    this.opts.metrics?.degraded.set(0);
    this.opts.logger.info({ downMs }, 'rate limiter recovered: Redis reachable again');
  }

  private localNowUs(): number {
    return this.opts.clockUs
      ? this.opts.clockUs()
      : Math.round(performance.timeOrigin * 1000 + performance.now() * 1000);
  }
}
