import { defineConfig, intFromEnv } from '@fabflow/config';

export const crmB2bEnv = defineConfig({
  API_KEY_ROTATION_GRACE_SECONDS: {
    schema: intFromEnv(0, 30 * 86_400).default(86_400),
    description:
      'After a rotation, how long the old API key keeps working (a rotate request may ask for another grace).',
  },
});
