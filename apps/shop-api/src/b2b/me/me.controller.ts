import { Get, Inject } from '@nestjs/common';
import { B2bMe } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { RedisRateLimiter, type QuotaDecision } from '@fabflow/rate-limit';
import { b2bQuotaRules } from '../keys/b2b-rate-limit.policy';
import {
  B2bController,
  CurrentApiKey,
  RequireScope,
  type B2bPrincipal,
} from '../keys/b2b-principal';

const usage = (d: QuotaDecision) => ({
  limit: d.limit,
  used: d.used,
  remaining: d.remaining,
  resetsAt: new Date(Math.round((Date.now() + d.resetAfterMs) / 1000) * 1000).toISOString(),
});

@B2bController('me')
export class MeController {
  constructor(@Inject(RedisRateLimiter) private readonly limiter: RedisRateLimiter) {}

  @Get()
  @RequireScope('read')
  @Endpoint({
    summary: "The caller's organisation, tier and limits, and today's quota usage",
    responses: { 200: B2bMe },
    problems: [429],
    responseExamples: {
      200: {
        organisation: {
          id: '0193a5c0-7f00-7000-8000-00000000b2b1',
          name: 'Acme Robotics',
          status: 'ACTIVE',
        },
        tier: {
          id: 'GROWTH',
          name: 'Growth',
          requestsPerMinute: 1200,
          burst: 40,
          dailyOrderQuota: 1000,
          dailyQuoteQuota: 5000,
          maxConcurrentPricingJobs: 5,
        },
        apiKey: {
          id: '0193a5c0-7f00-7000-8000-0000000a11e1',
          prefix: 'k3m2x7qpla',
          scopes: ['read', 'quotes:write'],
          expiresAt: null,
        },
        quotas: {
          orders: { limit: 1000, used: 12, remaining: 988, resetsAt: '2026-12-04T00:00:00.000Z' },
          quotes: { limit: 5000, used: 87, remaining: 4913, resetsAt: '2026-12-04T00:00:00.000Z' },
        },
      },
    },
  })
  async me(@CurrentApiKey() p: B2bPrincipal) {
    const rules = b2bQuotaRules(p);
    const [orders, quotes] = await Promise.all([
      this.limiter.peekQuota(rules.orders, p.organisation.id),
      this.limiter.peekQuota(rules.quotes, p.organisation.id),
    ]);
    return {
      organisation: p.organisation,
      tier: p.tier,
      apiKey: {
        id: p.keyId,
        prefix: p.prefix,
        scopes: p.scopes,
        expiresAt: p.expiresAt?.toISOString() ?? null,
      },
      quotas: { orders: usage(orders), quotes: usage(quotes) },
    };
  }
}
