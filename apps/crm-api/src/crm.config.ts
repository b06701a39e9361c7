import { z } from 'zod';
import { SERVICE_IDS } from '@fabflow/contracts';
import {
  authIssuerEnv,
  authVerifierEnv,
  boolFromEnv,
  commonEnv,
  databaseEnv,
  defineConfig,
  intFromEnv,
  portEnv,
  rateLimitEnv,
} from '@fabflow/config';
import { crmB2bEnv } from './b2b/b2b.config';
import { DEFAULT_ORDER_SLA, orderSlaFromEnv } from './orders/order-sla';

/** `https://a.example,http://127.0.0.1:3002` → their origins; `none` → no cross-origin callers. */
const originList = z
  .string()
  .transform((s) => (s.trim() === 'none' ? [] : s.split(',').map((o) => o.trim())))
  .pipe(
    z.array(
      z
        .url()
        .refine((u) => /^https?:$/.test(new URL(u).protocol) && new URL(u).pathname === '/', {
          message: 'must be an origin like https://mes.example.com (http or https, no path)',
        })
        .transform((u) => new URL(u).origin),
    ),
  );

export const crmConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('crm'),
  ...portEnv(3001),
  ...rateLimitEnv,
  ...crmB2bEnv,
  // Staff tokens: an operator's session outlives a 12-hour shift (13 h), and survives 4 h
  // without a refresh (a laptop closed over a break); the dashboard refreshes every ~14 min.
  ...authIssuerEnv({
    issuer: SERVICE_IDS.crm,
    refreshTtlSeconds: 4 * 3600,
    sessionTtlSeconds: 13 * 3600,
  }),
  // The CRM accepts staff tokens only: its own.
  ...authVerifierEnv(''),
  SEED_STAFF: {
    schema: boolFromEnv.default(true),
    description:
      'Create the development manager, operator and admin accounts on start (refused with NODE_ENV=production).',
    developmentValues: ['true'],
  },
  SEED_STAFF_PASSWORD: {
    schema: z.string().min(10).default('fabflow-dev-password'),
    description: 'Password of the seeded development staff accounts.',
    sensitive: true,
    usedOnlyWith: 'SEED_STAFF',
  },
  CORS_ALLOWED_ORIGINS: {
    schema: originList.default(['http://127.0.0.1:3002', 'http://localhost:3002']),
    description:
      'Browser origins allowed to call the CRM cross-origin (comma-separated, or none): the MES operator dashboard logs in at POST /auth/login from its own origin.',
  },
  REVIEWED_QUOTE_VALID_DAYS: {
    schema: intFromEnv(1, 365).default(14),
    description: 'How long a quote approved in review stays orderable (days from the decision).',
  },
  STUCK_ORDER_SLA: {
    schema: orderSlaFromEnv.prefault(DEFAULT_ORDER_SLA),
    description:
      'How long an order may sit in a state without change before it counts as stuck: STATUS=30m,... (s, m, h, d).',
  },
});
