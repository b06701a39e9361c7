import { defineConfig, intFromEnv, msFromEnv, type ConfigOf } from '@fabflow/config';

/** Idempotent POSTs (Idempotency-Key): how long answers are kept, and how duplicates wait. */
export const idempotencyEnv = defineConfig({
  IDEMPOTENCY_TTL_HOURS: {
    schema: intFromEnv(1, 24 * 30).default(24),
    description:
      'How long the answer to a POST with an Idempotency-Key is kept for replay (B2B and B2C).',
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
});

export type IdempotencyConfig = ConfigOf<typeof idempotencyEnv>;
