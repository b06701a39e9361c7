import { z } from 'zod';
import { defineConfig, intFromEnv, msFromEnv, type ConfigOf } from '@fabflow/config';

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  );

/** The shop's B2B API: key verification, body size, the per-key limit. */
export const shopB2bEnv = defineConfig({
  B2B_KEY_CACHE_TTL_MS: {
    schema: msFromEnv(0, 5000).default(2000),
    description:
      'How long an instance trusts a verified API key (or an unknown prefix) before reading the projection again; bounds how late a revocation is seen (also pushed through Redis at once).',
  },
  B2B_MAX_BODY_BYTES: {
    schema: intFromEnv(1024, 1024 * 1024).default(64 * 1024),
    description: 'Largest request body of a B2B API call (413 above).',
  },
  B2B_RATE_LIMIT_EXEMPT_KEYS: {
    schema: list,
    description:
      'API key prefixes that skip the per-key rate limit (internal integrations, the limiter benchmark). Quotas still apply.',
  },
});

export type ShopB2bConfig = ConfigOf<typeof shopB2bEnv>;
