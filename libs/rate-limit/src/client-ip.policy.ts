import type { BlockList } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { clientIp } from './client-ip';
import type { RateLimitRule } from './gcra';
import type { RateLimitPolicy, RateLimitTarget } from './rate-limit.guard';

/** Per client IP (through trusted proxies only), one fixed rule: for anonymous endpoints. */
export class ClientIpPolicy implements RateLimitPolicy {
  constructor(
    private readonly rule: RateLimitRule,
    private readonly trusted: BlockList,
  ) {}

  resolve(req: FastifyRequest): RateLimitTarget {
    return {
      key: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trusted),
      rule: this.rule,
    };
  }
}
