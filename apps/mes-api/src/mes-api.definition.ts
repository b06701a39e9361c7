import { join } from 'node:path';
import type { RunServiceOptions } from '@fabflow/platform';
import { AppModule } from './app.module';
import { mesConfigSpec } from './mes.config';

/** The MES as `main.ts` runs it and as its API documents describe it. */
export const mesApi: RunServiceOptions<typeof mesConfigSpec> = {
  service: 'mes',
  title: 'MES API',
  description: 'Operators take work orders and move them through production.',
  spec: mesConfigSpec,
  migrationsDir: join(__dirname, '..', 'migrations'),
  appModule: (core) => AppModule.register(core),
};
