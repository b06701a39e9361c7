import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemException } from '@fabflow/platform';
import { QUOTA_EXCEEDED, RedisRateLimiter, retryAfterSeconds } from '@fabflow/rate-limit';
import { b2bQuotaRules } from '../keys/b2b-rate-limit.policy';
import type { B2bPrincipal } from '../keys/b2b-principal';

/**
 * The tier's daily order and quote quotas, per organisation (across its keys), counted by the
 * same Redis script `GET /b2b/v1/me` reads. A unit is taken only once a request is found valid,
 * just before its write; a refused request is not counted and writes nothing.
 */
@Injectable()
export class B2bQuotas {
  constructor(@Inject(RedisRateLimiter) private readonly limiter: RedisRateLimiter) {}

  /** Takes one unit of today's quota, or throws 429 with Retry-After until the reset (UTC midnight). */
  async take(p: B2bPrincipal, which: 'orders' | 'quotes', reply: FastifyReply): Promise<void> {
    const rule = b2bQuotaRules(p)[which];
    const d = await this.limiter.quota(rule, p.organisation.id);
    if (d.allowed) return;
    const wait = retryAfterSeconds(d.resetAfterMs);
    const resetsAt = new Date(Math.round((Date.now() + d.resetAfterMs) / 1000) * 1000);
    void reply.header('retry-after', String(wait));
    throw new ProblemException(
      429,
      `the daily ${which === 'orders' ? 'order' : 'quote'} quota of tier ${p.tier.name} (${rule.limit} per UTC day for organisation ${p.organisation.id}) is used up; it resets at ${resetsAt.toISOString()} (retry in ${wait} s)`,
      QUOTA_EXCEEDED,
      {
        'violated-policies': [rule.name],
        retryAfterSeconds: Math.round(d.resetAfterMs) / 1000,
        resetsAt: resetsAt.toISOString(),
      },
    );
  }
}
