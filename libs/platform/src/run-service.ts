import type { DynamicModule } from '@nestjs/common';
import { loadConfigOrExit, sensitiveKeys, type ConfigOf, type EnvSpec } from '@fabflow/config';
import {
  createDatabase,
  ensureDatabase,
  migrate,
  readMigrations,
  type Database,
} from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR, type MessagingTables, redactUrl } from '@fabflow/messaging';
import {
  createLogger,
  createMetricsRegistry,
  type Logger,
  type Registry,
} from '@fabflow/observability';
import { AUTH_SESSIONS_MIGRATIONS_DIR } from './auth/refresh-tokens.database';
import { bootstrapService } from './bootstrap';
import type { OpenApiInfo } from './openapi/openapi-document';
import { ServiceCoreModule, type CoreConfig } from './service-core.module';
import { withTracingFlush } from './tracing-flush.module';

export type ServiceConfig = CoreConfig & {
  DATABASE_URL: string;
  PORT: number;
  HOST: string;
  LOG_LEVEL: string;
  DOCS_ENABLED: boolean;
  METRICS_ENABLED: boolean;
};

export interface RunServiceOptions<S extends EnvSpec> {
  service: 'shop' | 'crm' | 'mes';
  title: string;
  description: string;
  spec: S;
  migrationsDir: string;
  appModule: (core: DynamicModule, config: ConfigOf<S>) => unknown;
  /** The OpenAPI security scheme of each `@AuthScheme(...)` the service's routes use. */
  securitySchemes?: OpenApiInfo['securitySchemes'];
  /** Browser origins allowed to call the service cross-origin (see `ServiceBootstrapOptions`). */
  corsOrigins?: (config: ConfigOf<S>) => readonly string[];
  /** Runs after migrations, before the app starts (for example seeding development users). */
  afterMigrate?: (
    database: Database<MessagingTables>,
    config: ConfigOf<S>,
    logger: Logger,
  ) => Promise<void>;
}

async function retry<T>(
  what: string,
  logger: Logger,
  fn: () => Promise<T>,
  deadlineMs = 30_000,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      logger.warn({ err: (err as Error).message, attempt }, `${what} failed; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
    }
  }
}

/**
 * The service's root module as it runs: the app's modules over the core (config, logger,
 * database, broker, Redis, auth), plus flushing traces on shutdown.
 */
export function serviceModule<S extends EnvSpec>(
  opts: RunServiceOptions<S>,
  config: ConfigOf<S> & ServiceConfig,
  deps: { logger: Logger; database: Database<MessagingTables>; metricsRegistry: Registry },
): DynamicModule {
  const core = ServiceCoreModule.forRoot({
    service: opts.service,
    config,
    ...deps,
    metricsEnabled: config.METRICS_ENABLED,
  });
  return withTracingFlush(opts.appModule(core, config));
}

/** Loads config (exit 1 naming every bad variable), creates and migrates the database, starts Nest. */
export async function runService<S extends EnvSpec>(opts: RunServiceOptions<S>): Promise<void> {
  const config = loadConfigOrExit(opts.spec, opts.title) as ConfigOf<S> & ServiceConfig;
  const logger = createLogger({
    service: `${opts.service}-api`,
    level: config.LOG_LEVEL,
    sensitiveKeys: sensitiveKeys(opts.spec),
  });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  try {
    await retry(`connecting to Postgres at ${redactUrl(config.DATABASE_URL)}`, logger, () =>
      ensureDatabase(config.DATABASE_URL),
    );
    const database = createDatabase<MessagingTables>(config.DATABASE_URL, {
      applicationName: `fabflow-${opts.service}`,
      onError: (err) => logger.warn({ err: err.message }, 'database connection error'),
    });
    // A service that signs tokens keeps its sessions' refresh tokens in its own database.
    const sessions = config.AUTH_SIGNING_KEYS ? [AUTH_SESSIONS_MIGRATIONS_DIR] : [];
    const applied = await migrate(
      database.pool,
      await readMigrations(MESSAGING_MIGRATIONS_DIR, ...sessions, opts.migrationsDir),
    );
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    await opts.afterMigrate?.(database, config, logger);
    // Metrics off: the libraries still count into the registry (it is never served), but
    // there is no /metrics, no per-request histogram and no default collectors.
    const metricsEnabled = config.METRICS_ENABLED;
    const metricsRegistry = createMetricsRegistry(`${opts.service}-api`, {
      defaultMetrics: metricsEnabled,
    });
    await bootstrapService({
      module: serviceModule(opts, config, { logger, database, metricsRegistry }),
      api: {
        title: opts.title,
        description: opts.description,
        securitySchemes: opts.securitySchemes,
      },
      logger,
      host: config.HOST,
      port: config.PORT,
      docs: config.DOCS_ENABLED,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS + 5000,
      metrics: metricsEnabled ? metricsRegistry : undefined,
      corsOrigins: opts.corsOrigins?.(config),
    });
  } catch (err) {
    logger.fatal({ err }, `${opts.title} failed to start`);
    process.exit(1);
  }
}
