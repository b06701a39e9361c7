import {
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '@fabflow/platform';
import type { RateLimitRule } from './gcra';
import { rateLimitItem, ratePolicyItem, retryAfterSeconds } from './headers';
import { RedisRateLimiter } from './redis-rate-limiter';

export const RATE_LIMIT_POLICY = 'fabflow:rate-limit-policy';

/** Limits the route (or every route of the controller) under a named policy: `@RateLimit('b2b')`. */
export const RateLimit = (policy: string) => SetMetadata(RATE_LIMIT_POLICY, policy);

/** The problem type of draft-ietf-httpapi-ratelimit-headers §5.1. */
export const QUOTA_EXCEEDED = 'https://iana.org/assignments/http-problem-types#quota-exceeded';

/** Whose bucket a request draws from, under which rule. */
export interface RateLimitTarget {
  /** The partition: an API key id, a client IP. */
  key: string;
  rule: RateLimitRule;
}

/** Resolves a request to its bucket; `undefined` means the request is not limited (an exempt key). */
export interface RateLimitPolicy {
  resolve(req: FastifyRequest): RateLimitTarget | undefined | Promise<RateLimitTarget | undefined>;
}

/** Policies by name. Fixed ones are registered by the module; others (B2B tiers) by their owners. */
export class RateLimitPolicies {
  private readonly policies = new Map<string, RateLimitPolicy>();

  register(name: string, policy: RateLimitPolicy): void {
    if (this.policies.has(name)) throw new Error(`rate-limit policy "${name}" registered twice`);
    this.policies.set(name, policy);
  }

  get(name: string): RateLimitPolicy {
    const policy = this.policies.get(name);
    if (!policy) throw new Error(`unknown rate-limit policy "${name}"`);
    return policy;
  }
}

/**
 * Enforces the route's `@RateLimit` policy: one atomic GCRA step in Redis per request, the
 * `RateLimit-Policy` and `RateLimit` headers on every response of the route (errors too: the
 * problem filter answers on the same reply), and a 429 problem with `Retry-After` when refused.
 * Runs after the global auth guard, so a B2B policy can read the authenticated key.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly policies: RateLimitPolicies,
    @Inject(RedisRateLimiter) private readonly limiter: RedisRateLimiter,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const name = this.reflector.getAllAndOverride<string | undefined>(RATE_LIMIT_POLICY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!name) return true;
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const target = await this.policies.get(name).resolve(req);
    if (!target) return true;
    const d = await this.limiter.consume(target.rule, `${name}:${target.key}`, { policy: name });
    const reply = http.getResponse<FastifyReply>();
    void reply.header('ratelimit-policy', ratePolicyItem(target.rule));
    void reply.header('ratelimit', rateLimitItem(target.rule, d));
    if (d.allowed) return true;
    const wait = retryAfterSeconds(d.retryAfterMs);
    void reply.header('retry-after', String(wait));
    const { limit, periodSeconds, burst } = target.rule;
    throw new ProblemException(
      429,
      `rate limit "${target.rule.name}" exceeded: ${limit} requests per ${periodSeconds} s with bursts of ${burst}; retry in ${wait} s`,
      QUOTA_EXCEEDED,
      {
        'violated-policies': [target.rule.name],
        retryAfterSeconds: Math.round(d.retryAfterMs) / 1000,
      },
    );
  }
}
