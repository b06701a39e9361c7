import { z } from 'zod';
import { boolFromEnv, defineConfig, intFromEnv, msFromEnv } from '@fabflow/config';

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  );

/** The shop's B2B API: key verification, idempotency, webhooks. */
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
  IDEMPOTENCY_TTL_HOURS: {
    schema: intFromEnv(1, 24 * 30).default(24),
    description: 'How long a B2B POST response is kept for replay under its Idempotency-Key.',
  },
  IDEMPOTENCY_INFLIGHT_WAIT_MS: {
    schema: msFromEnv(0, 30_000).default(2000),
    description:
      'A retry arriving while the first request with its key is still running waits up to this long for its response, then gets 409.',
  },
  IDEMPOTENCY_LEASE_MS: {
    schema: msFromEnv(1000, 3_600_000).default(60_000),
    description:
      'An in-flight claim older than this (its instance died) may be taken over by a retry.',
  },
  WEBHOOK_ENCRYPTION_KEY: {
    schema: z
      .string()
      .min(32, { message: 'must be at least 32 characters' })
      .default('fabflow-development-only-webhook-key-change-me'),
    description: 'Key that encrypts webhook signing secrets at rest (AES-256-GCM).',
    sensitive: true,
  },
  WEBHOOK_ALLOW_HTTP_LOCALHOST: {
    schema: boolFromEnv.default(false),
    description:
      'Allow http:// webhook URLs to localhost/127.0.0.1 (development and tests); otherwise https only.',
  },
  WEBHOOK_TIMEOUT_MS: {
    schema: msFromEnv(100, 60_000).default(10_000),
    description: 'How long a webhook delivery attempt waits for the receiver.',
  },
  WEBHOOK_BACKOFF_BASE_MS: {
    schema: msFromEnv(10, 3_600_000).default(5000),
    description: 'First retry delay of a failed delivery; it doubles per attempt (with jitter).',
  },
  WEBHOOK_BACKOFF_MAX_MS: {
    schema: msFromEnv(100, 86_400_000).default(3_600_000),
    description: 'Longest delay between two attempts of a delivery.',
  },
  WEBHOOK_DISABLE_AFTER_MS: {
    schema: msFromEnv(1000, 30 * 86_400_000).default(86_400_000),
    description:
      "A subscription whose deliveries have all failed for this long is disabled and the organisation's managers are told.",
  },
  WEBHOOK_POLL_MS: {
    schema: msFromEnv(50, 60_000).default(1000),
    description: 'Safety-net polling of due deliveries (the deliverer is also woken on writes).',
  },
  WEBHOOK_CONCURRENCY: {
    schema: intFromEnv(1, 256).default(8),
    description: 'Deliveries one instance sends at once.',
  },
  WEBHOOK_SECRET_OVERLAP_SECONDS: {
    schema: intFromEnv(0, 7 * 86_400).default(86_400),
    description: 'After a secret rotation, how long the previous secret signs too.',
  },
});

export interface ShopB2bConfig {
  B2B_KEY_CACHE_TTL_MS: number;
  B2B_MAX_BODY_BYTES: number;
  B2B_RATE_LIMIT_EXEMPT_KEYS: readonly string[];
  IDEMPOTENCY_TTL_HOURS: number;
  IDEMPOTENCY_INFLIGHT_WAIT_MS: number;
  IDEMPOTENCY_LEASE_MS: number;
  WEBHOOK_ENCRYPTION_KEY: string;
  WEBHOOK_ALLOW_HTTP_LOCALHOST: boolean;
  WEBHOOK_TIMEOUT_MS: number;
  WEBHOOK_BACKOFF_BASE_MS: number;
  WEBHOOK_BACKOFF_MAX_MS: number;
  WEBHOOK_DISABLE_AFTER_MS: number;
  WEBHOOK_POLL_MS: number;
  WEBHOOK_CONCURRENCY: number;
  WEBHOOK_SECRET_OVERLAP_SECONDS: number;
}
