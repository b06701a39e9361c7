import { isIP } from 'node:net';
import { z } from 'zod';
import { defineConfig } from './define-config';
import { intFromEnv, msFromEnv } from './env-types';

/** `10.0.0.1`, `::1`, `10.0.0.0/8`, `fd00::/8`. */
function isAddressOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = isIP((address ?? '').replace(/^::ffff:/i, ''));
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 6 ? 128 : 32);
}

/** The shared rate limiter (libs/rate-limit); every service that limits spreads these into its config. */
export const rateLimitEnv = defineConfig({
  RATE_LIMIT_KEY_PREFIX: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/)
      .default('fabflow:rl'),
    description:
      'Prefix of the limiter keys in Redis (the service name is appended); separate deployments sharing one Redis use different prefixes.',
  },
  RATE_LIMIT_INSTANCES: {
    schema: intFromEnv(1, 1000).default(1),
    description:
      'How many instances of this service share the limits. While Redis is unreachable each instance limits on its own at rate ÷ this number.',
  },
  RATE_LIMIT_REDIS_TIMEOUT_MS: {
    schema: msFromEnv(5, 10_000).default(1000),
    description:
      'A limiter call to Redis slower than this counts as Redis unreachable (the request is decided by the per-instance fallback). A Redis that is down fails at once; this is for one that hangs. Too low, and a busy event loop trips it.',
  },
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: {
    schema: intFromEnv(1, 1_000_000).default(600),
    description:
      'Per client IP: average requests per minute to the anonymous endpoints (register, login).',
  },
  RATE_LIMIT_ANONYMOUS_BURST: {
    schema: intFromEnv(1, 100_000).default(120),
    description: 'Per client IP: how many anonymous requests may come at once.',
  },
  RATE_LIMIT_LOGIN_PER_HOUR: {
    schema: intFromEnv(1, 1_000_000).default(20),
    description:
      'Per account (the email asked for, whether it has an account or not): average login attempts per hour.',
  },
  RATE_LIMIT_LOGIN_BURST: {
    schema: intFromEnv(1, 100_000).default(10),
    description: 'Per account: login attempts that may come at once.',
  },
  TRUSTED_PROXIES: {
    schema: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p.length > 0),
      )
      .refine((entries) => entries.every(isAddressOrCidr), {
        message: 'must be comma-separated IP addresses or CIDRs (10.0.0.0/8,::1)',
      }),
    description:
      'Proxies (IPs or CIDRs) whose X-Forwarded-For is believed when finding the client IP; empty: the socket peer is the client.',
  },
});
