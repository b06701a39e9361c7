import { z } from 'zod';
import { boolFromEnv, defineConfig, intFromEnv, msFromEnv, type ConfigOf } from '@fabflow/config';

/** The webhook channel: secrets at rest, delivery timing, retries, and what localhost may receive. */
export const webhooksEnv = defineConfig({
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
      'Allow webhook URLs that reach the loopback interface, over http:// too (development and tests); otherwise https to public addresses only.',
  },
  WEBHOOK_DNS_SERVERS: {
    schema: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x.length > 0),
      )
      .pipe(
        z.array(
          z.string().regex(/^[0-9a-f.:[\]]+(:\d{1,5})?$/i, {
            message: 'must be DNS server addresses (ip or ip:port), comma-separated',
          }),
        ),
      ),
    description:
      'DNS servers (ip[:port], comma-separated) that resolve webhook hosts; empty: the system resolver. Every address a host resolves to must be public.',
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

export type WebhooksConfig = ConfigOf<typeof webhooksEnv>;
