import { z } from 'zod';
import {
  boolFromEnv,
  commonEnv,
  databaseEnv,
  defineConfig,
  portEnv,
  rateLimitEnv,
} from '@fabflow/config';
import { crmB2bEnv } from './b2b/b2b.config';
import { DEFAULT_ORDER_SLA, orderSlaFromEnv } from './orders/order-sla';

export const crmConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('crm'),
  ...portEnv(3001),
  ...rateLimitEnv,
  ...crmB2bEnv,
  SEED_STAFF: {
    schema: boolFromEnv.default(true),
    description:
      'Create the development manager, operator and admin accounts on start (turn off in production).',
  },
  SEED_STAFF_PASSWORD: {
    schema: z.string().min(10).default('fabflow-dev-password'),
    description: 'Password of the seeded development staff accounts.',
    sensitive: true,
  },
  STUCK_ORDER_SLA: {
    schema: orderSlaFromEnv.prefault(DEFAULT_ORDER_SLA),
    description:
      'How long an order may sit in a state without change before it counts as stuck: STATUS=30m,... (s, m, h, d).',
  },
});
