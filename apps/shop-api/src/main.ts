// First of all: tracing must start before anything requires http, pg or ioredis.
import './tracing';
import { join } from 'node:path';
import { runService } from '@fabflow/platform';
import { AppModule } from './app.module';
import { appConfigSpec } from './app.config';

void runService({
  service: 'shop',
  title: 'Shop API',
  description:
    'Customers, model uploads, quotes, orders and order status. B2C customers authenticate with a bearer token.',
  spec: appConfigSpec,
  migrationsDir: join(__dirname, '..', 'migrations'),
  appModule: (core, config) => AppModule.register(core, config),
});
