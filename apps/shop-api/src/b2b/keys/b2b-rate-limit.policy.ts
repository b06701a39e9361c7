import type { QuotaRule, RateLimitPolicy, RateLimitTarget } from '@fabflow/rate-limit';
import type { B2bPrincipal, B2bRequest } from './b2b-principal';

/**
 * The `b2b` policy: one bucket per API key, at its organisation's tier rate and burst.
 * Keys listed in B2B_RATE_LIMIT_EXEMPT_KEYS are not limited (their quotas still count).
 */
export class B2bRateLimitPolicy implements RateLimitPolicy {
  private readonly exempt: ReadonlySet<string>;

  constructor(exemptPrefixes: readonly string[]) {
    this.exempt = new Set(exemptPrefixes);
  }

  resolve(req: B2bRequest): RateLimitTarget | undefined {
    const p = req.b2b;
    if (!p) throw new Error('the b2b rate-limit policy needs an API-key route');
    if (this.exempt.has(p.prefix)) return undefined;
    return {
      key: p.keyId,
      rule: {
        name: `b2b-${p.tier.id.toLowerCase()}`,
        limit: p.tier.requestsPerMinute,
        periodSeconds: 60,
        burst: p.tier.burst,
      },
    };
  }
}

/** The organisation's daily quotas (UTC days), counted per organisation across its keys. */
export function b2bQuotaRules(p: B2bPrincipal): { orders: QuotaRule; quotes: QuotaRule } {
  return {
    orders: { name: 'orders-daily', limit: p.tier.dailyOrderQuota },
    quotes: { name: 'quotes-daily', limit: p.tier.dailyQuoteQuota },
  };
}
