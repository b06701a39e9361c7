import { z } from 'zod';
import { boolFromEnv, commonEnv, databaseEnv, defineConfig, portEnv } from '@fabflow/config';

export const crmConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('crm'),
  ...portEnv(3001),
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
});
