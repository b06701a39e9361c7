import {
  commonEnv,
  databaseEnv,
  defineConfig,
  msFromEnv,
  portEnv,
  rateLimitEnv,
  storageEnv,
  urlFromEnv,
  type ConfigOf,
} from '@fabflow/config';
import { shopB2bEnv } from './b2b/b2b.config';
import { shopUploadEnv } from './uploads/uploads.config';

export const shopConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('shop'),
  ...portEnv(3000),
  ...storageEnv,
  ...shopUploadEnv,
  S3_PUBLIC_ENDPOINT: {
    schema: urlFromEnv(['http:', 'https:']).optional(),
    description:
      'Where customers reach S3, when not at S3_ENDPOINT (docker compose: http://localhost:9000); upload URLs are signed for it.',
  },
  QUOTE_EXPIRY_SWEEP_MS: {
    schema: msFromEnv(100, 3_600_000).default(60_000),
    description:
      'How often READY quotes past their validUntil are marked EXPIRED (reads and orders treat them as expired at once).',
  },
  QUOTE_EVENTS_HEARTBEAT_MS: {
    schema: msFromEnv(100, 120_000).default(15_000),
    description:
      'Heartbeat of a quote progress stream (GET /quotes/:id/events); each beat also re-reads the quote, a safety net for a lost Redis notification.',
  },
  ...rateLimitEnv,
  ...shopB2bEnv,
});

export type ShopConfig = ConfigOf<typeof shopConfigSpec>;
