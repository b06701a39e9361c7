import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { RateLimitRule } from './gcra';
import type { RateLimitPolicy, RateLimitTarget } from './rate-limit.guard';

/**
 * Per account on the login routes: the lower-cased email of the body, whether an account has
 * it or not (so a refusal tells nothing about which emails exist), hashed so no address is
 * written into Redis. Runs before validation: a body without a string email is not limited
 * here (it gets its 400, and the per-IP policy still counts it).
 */
export class LoginAccountPolicy implements RateLimitPolicy {
  constructor(private readonly rule: RateLimitRule) {}

  resolve(req: FastifyRequest): RateLimitTarget | undefined {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    if (typeof email !== 'string' || email.length === 0 || email.length > 254) return undefined;
    return { key: loginAccountKey(email), rule: this.rule };
  }
}

/** The limiter partition of a login email: case-insensitive, and no address in clear. */
export function loginAccountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}
