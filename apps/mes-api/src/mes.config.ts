import { z } from 'zod';
import {
  authVerifierEnv,
  commonEnv,
  DEVELOPMENT_CRM_JWKS,
  databaseEnv,
  defineConfig,
  intFromEnv,
  msFromEnv,
  portEnv,
  pricingQueueEnv,
  urlFromEnv,
  urlListFromEnv,
  type ConfigOf,
} from '@fabflow/config';

/** How the MES records pricing jobs and dispatches them into BullMQ (the worker has its own). */
export const pricingDispatchEnv = defineConfig({
  ...pricingQueueEnv,
  PRICING_PRIORITY_B2C: {
    schema: intFromEnv(0, 2_097_151).default(1),
    description: 'BullMQ priority of B2C quotes (lower runs sooner; 0 = before every priority).',
  },
  PRICING_PRIORITY_B2B: {
    schema: intFromEnv(0, 2_097_151).default(10),
    description: 'BullMQ priority of B2B quotes (lower runs sooner).',
  },
  PRICING_ATTEMPTS: {
    schema: intFromEnv(1, 20).default(3),
    description:
      'Runs of a pricing job before an unexpected error fails the quote (bad files and timeouts are never retried).',
  },
  PRICING_BACKOFF_MS: {
    schema: msFromEnv(0, 3_600_000).default(2000),
    description: 'First retry delay of a failed pricing job; doubles with each further attempt.',
  },
  PRICING_KEEP_COMPLETED: {
    schema: intFromEnv(0, 1_000_000).default(1000),
    description:
      'Completed BullMQ jobs kept (at most, and at most a day); results live in the MES database.',
  },
  PRICING_KEEP_FAILED: {
    schema: intFromEnv(0, 1_000_000).default(5000),
    description: 'Failed BullMQ jobs kept for inspection (at most, and at most 7 days).',
  },
  PRICING_DISPATCH_POLL_MS: {
    schema: msFromEnv(20, 60_000).default(1000),
    description:
      'Safety-net poll of the pricing dispatcher for jobs not yet in BullMQ (it is also woken after each commit).',
  },
  PRICING_RECOVERY_MS: {
    schema: msFromEnv(500, 3_600_000).default(30_000),
    description:
      'How often jobs enqueued at least this long ago and not started are checked against BullMQ; those Redis lost (failover, restart) are added again.',
  },
});

export const mesConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('mes'),
  ...portEnv(3002),
  // Operators, managers and admins: staff tokens of the CRM.
  ...authVerifierEnv(DEVELOPMENT_CRM_JWKS),
  DATABASE_REPLICA_URLS: {
    schema: urlListFromEnv(['postgres:', 'postgresql:']).optional(),
    description:
      'Comma-separated PostgreSQL URLs of read replicas of the MES database; work-queue lists and counts read from them (round robin) whenever the replica has replayed the last work-order change, else from the primary. Unset: every read goes to DATABASE_URL.',
    sensitive: true,
  },
  WORK_QUEUE_CACHE_TTL_SECONDS: {
    schema: intFromEnv(1, 3600).default(45),
    description:
      'Lifetime of a cached work-queue page or count in Redis (30–60 s recommended); every work-order change invalidates all of them at once before that.',
  },
  SSE_HEARTBEAT_MS: {
    schema: msFromEnv(1000, 120_000).default(15_000),
    description:
      'Interval of the comment line sent on idle live-update streams (GET /work-orders/stream), so proxies keep them open.',
  },
  DASHBOARD_LOGIN_URL: {
    schema: urlFromEnv(['http:', 'https:']).default('http://127.0.0.1:3001/auth/login'),
    description:
      "Where the operator dashboard posts the login (the CRM's staff POST /auth/login); it refreshes and logs out at the sibling /auth/refresh and /auth/logout. The CRM must allow the dashboard's origin (CORS_ALLOWED_ORIGINS).",
  },
  DASHBOARD_DIR: {
    schema: z.string().min(1).optional(),
    description:
      'Directory of the built dashboard served at /dashboard/ (default: apps/mes-dashboard/dist/bundle, written by npm run build).',
  },
  REWORK_MAX_REPLACEMENTS: {
    schema: intFromEnv(0, 20).default(2),
    description:
      'Replacement work orders the MES makes per order line for scrapped parts; after that a scrapped part puts the line (and its order) ON_HOLD for a manager. 0: never replace.',
  },
  ...pricingDispatchEnv,
});

export type MesConfig = ConfigOf<typeof mesConfigSpec>;
