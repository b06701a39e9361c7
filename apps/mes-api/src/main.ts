// First of all: tracing must start before anything requires http, pg or ioredis.
import './tracing';
import { join } from 'node:path';
import { runService } from '@fabflow/platform';
import { AppModule } from './app.module';
import { mesConfigSpec } from './mes.config';

void runService({
  service: 'mes',
  title: 'MES API',
  description: 'Operators take work orders and move them through production.',
  spec: mesConfigSpec,
  migrationsDir: join(__dirname, '..', 'migrations'),
  appModule: (core) => AppModule.register(core),
});
