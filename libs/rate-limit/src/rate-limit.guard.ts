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

/**
 * Limits the route (or every route of the controller) under named policies:
 * `@RateLimit('b2b')`, or several, each its own bucket, in order: `@RateLimit('anonymous-ip',
 * 'login-account')`. A request refused by one takes nothing from the buckets after it.
 */
export const RateLimit = (...policies: [string, ...string[]]) =>
  SetMetadata(RATE_LIMIT_POLICY, policies);

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
    const names = this.reflector.getAllAndOverride<string[] | undefined>(RATE_LIMIT_POLICY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!names) return true;
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const policies: string[] = [];
    const limits: string[] = [];
    try {
      for (const name of names) {
        const target = await this.policies.get(name).resolve(req);
        if (!target) continue;
        const d = await this.limiter.consume(target.rule, `${name}:${target.key}`, {
          policy: name,
        });
        policies.push(ratePolicyItem(target.rule));
        limits.push(rateLimitItem(target.rule, d));
        if (!d.allowed) refuse(reply, target.rule, d.retryAfterMs);
      }
    } finally {
      // Every policy the request met, refused or not: Lists of the draft's two fields.
      if (policies.length > 0) {
        void reply.header('ratelimit-policy', policies.join(', '));
        void reply.header('ratelimit', limits.join(', '));
      }
    }
    return true;
  }
}

function refuse(reply: FastifyReply, rule: RateLimitRule, retryAfterMs: number): never {
  const wait = retryAfterSeconds(retryAfterMs);
  void reply.header('retry-after', String(wait));
  const { limit, periodSeconds, burst } = rule;
  throw new ProblemException(
    429,
    `rate limit "${rule.name}" exceeded: ${limit} requests per ${periodSeconds} s with bursts of ${burst}; retry in ${wait} s`,
    QUOTA_EXCEEDED,
    {
      'violated-policies': [rule.name],
      retryAfterSeconds: Math.round(retryAfterMs) / 1000,
    },
  );
}
