import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, ModuleRef, Reflector } from '@nestjs/core';
import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { AccessTokenVerifier, AuthGuard, Authenticators } from '@fabflow/auth';
import { EVENT_CATALOGUE } from '@fabflow/contracts';
import type { Database } from '@fabflow/db';
import { MessagingRuntime, type MessagingTables } from '@fabflow/messaging';
import type { Logger, Registry } from '@fabflow/observability';
import { authWiring, type AuthConfig } from './auth/auth-providers';
import { DeadLetterController, SUBSCRIBED_QUEUES, type SubscribedQueues } from './dlq.controller';
import {
  EVENT_SUBSCRIPTIONS,
  EventSubscriptions,
  type EventSubscriptionMap,
} from './event-subscriptions.module';
import { HEALTH_CHECKS, HealthController, type HealthCheck } from './health';
import { METRICS_REGISTRY, MetricsController } from './metrics.controller';
import { OrderJourneyMetrics } from './order-journey.metrics';
import { createRedis, type RedisConnectionConfig } from './redis';
import { APP_CONFIG, DATABASE, DB, LOGGER, REDIS, UNIT_OF_WORK } from './service-core.tokens';
import { ValidationInterceptor } from './validation.interceptor';

export { APP_CONFIG, DATABASE, DB, LOGGER, REDIS, UNIT_OF_WORK };

export interface CoreConfig extends AuthConfig, RedisConnectionConfig {
  AMQP_URLS: string[];
  OUTBOX_POLL_MS: number;
  AMQP_PREFETCH: number;
  RETRY_DELAYS_MS: number[];
  SHUTDOWN_TIMEOUT_MS: number;
}

export interface ServiceCoreOptions {
  service: 'shop' | 'crm' | 'mes';
  config: CoreConfig;
  logger: Logger;
  database: Database<MessagingTables>;
  /** The process's Prometheus registry, served on /metrics. */
  metricsRegistry: Registry;
  /** METRICS_ENABLED: false leaves /metrics out (404). Default true. */
  metricsEnabled?: boolean;
}

/**
 * What every service has: config, logger, its database, Redis, the messaging runtime and its
 * unit of work, token verification as a global guard (and, for the token issuers, signing,
 * the JWKS and refresh sessions), request validation, and /health.
 */
@Module({})
export class ServiceCoreModule {
  static forRoot(opts: ServiceCoreOptions): DynamicModule {
    const { config, logger, database, metricsRegistry } = opts;
    const runtime = new MessagingRuntime({
      service: opts.service,
      urls: config.AMQP_URLS,
      db: database.db,
      logger,
      catalogue: EVENT_CATALOGUE,
      outboxPollMs: config.OUTBOX_POLL_MS,
      prefetch: config.AMQP_PREFETCH,
      retryDelaysMs: config.RETRY_DELAYS_MS,
      metricsRegistry,
    });
    const redis = createRedis(config, {
      name: `fabflow-${opts.service}`,
      profile: 'shared',
      logger,
      lazyConnect: true,
    });
    const checks: HealthCheck[] = [
      { name: 'database', check: async () => void (await sql`SELECT 1`.execute(database.db)) },
      {
        name: 'rabbitmq',
        check: () =>
          runtime.connection.connected
            ? Promise.resolve()
            : Promise.reject(new Error('not connected')),
      },
      {
        name: 'redis',
        check: async () => {
          if ((await redis.ping()) !== 'PONG') throw new Error('unexpected PING reply');
        },
      },
    ];
    const auth = authWiring(opts.service, config, {
      redis,
      logger,
      db: database.db as unknown as Kysely<never>,
    });
    // Other schemes (B2B API keys) register their authenticator here; the global guard uses it.
    const authenticators = new Authenticators();
    return {
      global: true,
      module: ServiceCoreModule,
      controllers: [
        HealthController,
        ...(opts.metricsEnabled === false ? [] : [MetricsController]),
        DeadLetterController,
        ...auth.controllers,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: DATABASE, useValue: database },
        { provide: DB, useValue: database.db },
        { provide: MessagingRuntime, useValue: runtime },
        { provide: UNIT_OF_WORK, useValue: runtime.unitOfWork },
        { provide: REDIS, useValue: redis },
        ...auth.providers,
        { provide: Authenticators, useValue: authenticators },
        { provide: HEALTH_CHECKS, useValue: checks },
        { provide: METRICS_REGISTRY, useValue: metricsRegistry },
        OrderJourneyMetrics,
        {
          // The app module declares the subscriptions (EventSubscriptionsModule); read when needed.
          provide: SUBSCRIBED_QUEUES,
          useFactory:
            (ref: ModuleRef): SubscribedQueues =>
            () =>
              Object.keys(ref.get<EventSubscriptionMap>(EVENT_SUBSCRIPTIONS, { strict: false })),
          inject: [ModuleRef],
        },
        {
          provide: APP_GUARD,
          useFactory: (r: Reflector, verifier: AccessTokenVerifier) =>
            new AuthGuard(verifier, r, authenticators),
          inject: [Reflector, AccessTokenVerifier],
        },
        { provide: APP_INTERCEPTOR, useClass: ValidationInterceptor },
      ],
      exports: [
        APP_CONFIG,
        LOGGER,
        DATABASE,
        DB,
        MessagingRuntime,
        UNIT_OF_WORK,
        REDIS,
        ...auth.exports,
        Authenticators,
        METRICS_REGISTRY,
        OrderJourneyMetrics,
      ],
    };
  }
}

/**
 * Starts consumers and the relay once the app is up; on shutdown stops consuming before the
 * HTTP server closes, and closes the relay, broker, Redis and database after it has.
 */
@Injectable()
export class ServiceLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly runtime: MessagingRuntime<MessagingTables>,
    private readonly subscriptions: EventSubscriptions,
    @Inject(APP_CONFIG) private readonly config: CoreConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(DATABASE) private readonly database: Database<MessagingTables>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const [queue, handlers] of this.subscriptions.resolve())
      this.runtime.subscribe(queue, handlers);
    await this.runtime.start();
    await this.redis.connect().catch(() => undefined);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'shutting down: draining consumers');
    await this.runtime.stopConsuming(this.config.SHUTDOWN_TIMEOUT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop(this.config.SHUTDOWN_TIMEOUT_MS);
    this.redis.disconnect();
    await this.database.close();
    this.logger.info('shutdown complete');
  }
}
