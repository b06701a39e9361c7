// First of all: tracing must start before anything requires http, pg or ioredis.
import './tracing';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { runService } from '@fabflow/platform';
import { AppModule } from './app.module';
import { crmConfigSpec } from './crm.config';
import type { CrmDatabase } from './crm.database';
import { seedStaff } from './staff/staff.seed';

void runService({
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
});
