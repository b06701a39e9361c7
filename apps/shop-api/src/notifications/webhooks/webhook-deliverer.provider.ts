import type { Provider } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Counter } from 'prom-client';
import type { UnitOfWork } from '@fabflow/messaging';
import type { Logger, Registry } from '@fabflow/observability';
import { APP_CONFIG, DB, LOGGER, METRICS_REGISTRY, UNIT_OF_WORK } from '@fabflow/platform';
import { dnsServersResolver, systemResolver } from './target/target-resolver';
import { WebhookTargets } from './target/webhook-targets';
import { SecretBox } from './webhook-crypto';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookOutbox } from './webhook-outbox';
import type { WebhooksConfig } from './webhooks.config';
import type { WebhooksDatabase } from './webhooks.database';

/** The instance's webhook deliverer (wake it after writing deliveries outside a handler). */
export const WEBHOOK_DELIVERER = Symbol('WEBHOOK_DELIVERER');

/** The secret box, the deliverer with its metrics, and the outbox that wakes it. */
export const webhookDeliveryProviders: Provider[] = [
  {
    provide: SecretBox,
    useFactory: (c: WebhooksConfig) => new SecretBox(c.WEBHOOK_ENCRYPTION_KEY),
    inject: [APP_CONFIG],
  },
  {
    provide: WebhookTargets,
    useFactory: (c: WebhooksConfig) =>
      new WebhookTargets(
        c.WEBHOOK_DNS_SERVERS.length > 0
          ? dnsServersResolver(c.WEBHOOK_DNS_SERVERS)
          : systemResolver,
        c.WEBHOOK_ALLOW_HTTP_LOCALHOST,
      ),
    inject: [APP_CONFIG],
  },
  {
    provide: WEBHOOK_DELIVERER,
    useFactory: (
      db: Kysely<WebhooksDatabase>,
      uow: UnitOfWork<WebhooksDatabase>,
      box: SecretBox,
      targets: WebhookTargets,
      c: WebhooksConfig,
      logger: Logger,
      registry: Registry,
    ) =>
      new WebhookDeliverer(
        db,
        uow,
        box,
        {
          targets,
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
    inject: [DB, UNIT_OF_WORK, SecretBox, WebhookTargets, APP_CONFIG, LOGGER, METRICS_REGISTRY],
  },
  {
    provide: WebhookOutbox,
    useFactory: (deliverer: WebhookDeliverer) => new WebhookOutbox(deliverer),
    inject: [WEBHOOK_DELIVERER],
  },
];
