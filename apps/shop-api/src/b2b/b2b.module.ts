import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Counter } from 'prom-client';
import type { UnitOfWork } from '@fabflow/messaging';
import type { Logger, Registry } from '@fabflow/observability';
import { APP_CONFIG, DB, LOGGER, METRICS_REGISTRY, UNIT_OF_WORK } from '@fabflow/platform';
import { RateLimitPolicies } from '@fabflow/rate-limit';
import type { ShopB2bConfig } from './b2b.config';
import type { ShopB2bDatabase } from './b2b.database';
import { IdempotencyCleanupJob } from './idempotency/idempotency-cleanup.job';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { ApiKeyCache } from './keys/api-key-cache';
import { ApiKeyProjectionRepository } from './keys/api-key-projection.repository';
import { ApiKeyAuthenticator } from './keys/api-key.authenticator';
import { B2B_RATE_LIMIT_POLICY } from './keys/b2b-principal';
import { B2bRateLimitPolicy } from './keys/b2b-rate-limit.policy';
import { ApiKeyIssuedHandler } from './keys/events/api-key-issued.handler';
import { ApiKeyRevokedHandler } from './keys/events/api-key-revoked.handler';
import { OrganisationChangedHandler } from './keys/events/organisation-changed.handler';
import { TierUpdatedHandler } from './keys/events/tier-updated.handler';
import { MeController } from './me/me.controller';
import { B2bEvents } from './webhooks/b2b-events';
import { SecretBox } from './webhooks/webhook-crypto';
import { WebhookDeliverer } from './webhooks/webhook-deliverer';
import { WebhookRedeliveryRequestedHandler } from './webhooks/webhook-redelivery-requested.handler';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksRepository } from './webhooks/webhooks.repository';
import { WEBHOOK_DELIVERER, WebhooksService } from './webhooks/webhooks.service';

/** Handlers of `shop.b2b-keys`: the projection of keys, organisations and tiers. */
export const B2B_KEY_HANDLERS = [
  ApiKeyIssuedHandler,
  ApiKeyRevokedHandler,
  TierUpdatedHandler,
  OrganisationChangedHandler,
];
/** Handlers of `shop.b2b-webhooks`. */
export const B2B_WEBHOOK_HANDLERS = [WebhookRedeliveryRequestedHandler];

@Injectable()
class B2bLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly policies: RateLimitPolicies,
    @Inject(WEBHOOK_DELIVERER) private readonly deliverer: WebhookDeliverer,
    @Inject(APP_CONFIG) private readonly config: ShopB2bConfig,
  ) {}

  onModuleInit(): void {
    this.policies.register(
      B2B_RATE_LIMIT_POLICY,
      new B2bRateLimitPolicy(this.config.B2B_RATE_LIMIT_EXEMPT_KEYS),
    );
  }

  onApplicationBootstrap(): void {
    this.deliverer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.deliverer.stop();
  }
}

/**
 * The B2B API under /b2b/v1: API-key authentication from the CRM's projected keys, the per-key
 * tier limit, idempotent POSTs, and signed webhooks delivered from committed events.
 */
@Module({
  controllers: [MeController, WebhooksController],
  providers: [
    ApiKeyProjectionRepository,
    ApiKeyCache,
    ApiKeyAuthenticator,
    IdempotencyRepository,
    IdempotencyInterceptor,
    IdempotencyCleanupJob,
    WebhooksRepository,
    WebhooksService,
    {
      provide: SecretBox,
      useFactory: (c: ShopB2bConfig) => new SecretBox(c.WEBHOOK_ENCRYPTION_KEY),
      inject: [APP_CONFIG],
    },
    {
      provide: WEBHOOK_DELIVERER,
      useFactory: (
        db: Kysely<ShopB2bDatabase>,
        uow: UnitOfWork<ShopB2bDatabase>,
        box: SecretBox,
        c: ShopB2bConfig,
        logger: Logger,
        registry: Registry,
      ) =>
        new WebhookDeliverer(
          db,
          uow,
          box,
          {
            timeoutMs: c.WEBHOOK_TIMEOUT_MS,
            backoffBaseMs: c.WEBHOOK_BACKOFF_BASE_MS,
            backoffMaxMs: c.WEBHOOK_BACKOFF_MAX_MS,
            disableAfterMs: c.WEBHOOK_DISABLE_AFTER_MS,
            pollMs: c.WEBHOOK_POLL_MS,
            concurrency: c.WEBHOOK_CONCURRENCY,
          },
          logger.child({ component: 'webhooks' }),
          {
            attempts: new Counter({
              name: 'fabflow_webhook_attempts_total',
              help: 'Webhook delivery attempts by outcome (succeeded, retry, failed).',
              labelNames: ['outcome'],
              registers: [registry],
            }),
            disabled: new Counter({
              name: 'fabflow_webhook_subscriptions_disabled_total',
              help: 'Webhook subscriptions disabled after failing continuously (WEBHOOK_DISABLE_AFTER_MS).',
              registers: [registry],
            }),
          },
        ),
      inject: [DB, UNIT_OF_WORK, SecretBox, APP_CONFIG, LOGGER, METRICS_REGISTRY],
    },
    {
      provide: B2bEvents,
      useFactory: (deliverer: WebhookDeliverer) => new B2bEvents(deliverer),
      inject: [WEBHOOK_DELIVERER],
    },
    B2bLifecycle,
    ...B2B_KEY_HANDLERS,
    ...B2B_WEBHOOK_HANDLERS,
  ],
  exports: [
    B2bEvents,
    // For the B2B controllers of other modules (@B2bController uses them).
    IdempotencyInterceptor,
    IdempotencyRepository,
    ...B2B_KEY_HANDLERS,
    ...B2B_WEBHOOK_HANDLERS,
  ],
})
export class B2bModule {}
