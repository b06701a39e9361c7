import { SERVICE_IDS } from '@fabflow/contracts';
import {
  authIssuerEnv,
  authVerifierEnv,
  commonEnv,
  DEVELOPMENT_CRM_JWKS,
  databaseEnv,
  defineConfig,
  msFromEnv,
  portEnv,
  rateLimitEnv,
  storageEnv,
  urlFromEnv,
  type ConfigOf,
} from '@fabflow/config';
import { idempotencyEnv } from './idempotency/idempotency.config';
import { webhooksEnv } from './notifications/webhooks/webhooks.config';

export const shopConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('shop'),
  ...portEnv(3000),
  ...storageEnv,
  // Customer tokens: a week without a visit ends the session, a month at most.
  ...authIssuerEnv({
    issuer: SERVICE_IDS.shop,
    refreshTtlSeconds: 7 * 86_400,
    sessionTtlSeconds: 30 * 86_400,
  }),
  // Staff (admins) use some shop routes with CRM tokens.
  ...authVerifierEnv(DEVELOPMENT_CRM_JWKS),
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
  ...idempotencyEnv,
  ...webhooksEnv,
});

export type ShopConfig = ConfigOf<typeof shopConfigSpec>;
