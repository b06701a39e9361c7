import { z } from 'zod';
import {
  commonEnv,
  databaseEnv,
  defineConfig,
  intFromEnv,
  msFromEnv,
  portEnv,
  urlFromEnv,
  urlListFromEnv,
} from '@fabflow/config';

export const mesConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('mes'),
  ...portEnv(3002),
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
      "Where the operator dashboard posts the login (the CRM's staff POST /auth/login); the CRM must allow the dashboard's origin (CORS_ALLOWED_ORIGINS).",
  },
  DASHBOARD_DIR: {
    schema: z.string().min(1).optional(),
    description:
      'Directory of the built dashboard served at /dashboard/ (default: dist/apps/mes-dashboard, written by npm run build).',
  },
});
