import { commonEnv, databaseEnv, defineConfig, portEnv } from '@fabflow/config';

export const mesConfigSpec = defineConfig({
  ...commonEnv,
  ...databaseEnv('mes'),
  ...portEnv(3002),
});
