import { join } from 'node:path';
import type { RunServiceOptions } from '@fabflow/platform';
import { AppModule } from './app.module';
import { API_KEY_SCHEME, API_KEY_SECURITY_SCHEME } from './b2b/keys/b2b-principal';
import { appConfigSpec } from './app.config';

/** The shop as `main.ts` runs it and as its API documents describe it. */
export const shopApi: RunServiceOptions<typeof appConfigSpec> = {
  service: 'shop',
  title: 'Shop API',
  description:
    'Customers, model uploads, quotes, orders and order status. B2C customers authenticate with a bearer token; the B2B API under /b2b/v1 with an API key.',
  spec: appConfigSpec,
  migrationsDir: join(__dirname, '..', 'migrations'),
  appModule: (core, config) => AppModule.register(core, config),
  securitySchemes: { [API_KEY_SCHEME]: API_KEY_SECURITY_SCHEME },
};
