import { commonEnv, databaseEnv, defineConfig, portEnv } from '@fabflow/config';

export const shopConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('shop'),
  ...portEnv(3000),
});
