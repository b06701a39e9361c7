import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { RunServiceOptions } from '@fabflow/platform';
import { AppModule } from './app.module';
import { crmConfigSpec } from './crm.config';
import type { CrmDatabase } from './crm.database';
import { seedStaff } from './staff/staff.seed';

/** The CRM as `main.ts` runs it and as its API documents describe it. */
export const crmApi: RunServiceOptions<typeof crmConfigSpec> = {
  service: 'crm',
  title: 'CRM API',
  description: 'Managers review and approve orders and follow every order through its timeline.',
  spec: crmConfigSpec,
  migrationsDir: join(__dirname, '..', 'migrations'),
  appModule: (core, config) => AppModule.register(core, config),
  corsOrigins: (config) => config.CORS_ALLOWED_ORIGINS,
  afterMigrate: async (database, config, logger) => {
    if (config.SEED_STAFF)
      await seedStaff(
        database.db as unknown as Kysely<CrmDatabase>,
        config.SEED_STAFF_PASSWORD,
        logger,
      );
  },
};
