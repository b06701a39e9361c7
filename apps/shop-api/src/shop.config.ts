import { commonEnv, databaseEnv, defineConfig, portEnv, rateLimitEnv } from '@fabflow/config';
import { shopB2bEnv } from './b2b/b2b.config';

export const shopConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('shop'),
  ...portEnv(3000),
  ...rateLimitEnv,
  ...shopB2bEnv,
});
