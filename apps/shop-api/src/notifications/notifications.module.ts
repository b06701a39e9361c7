import { Module } from '@nestjs/common';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './notification-channel';
import { Notifications } from './notifications';
import { WebhookChannel } from './webhooks/webhook-channel';
import { WEBHOOK_DELIVERER, webhookDeliveryProviders } from './webhooks/webhook-deliverer.provider';
import { WebhookDeliveryLifecycle } from './webhooks/webhook-delivery.lifecycle';
import { WebhookRedeliveryRequestedHandler } from './webhooks/webhook-redelivery-requested.handler';
import { SecretBox } from './webhooks/webhook-crypto';
import { WebhookTargets } from './webhooks/target/webhook-targets';
import { WebhooksRepository } from './webhooks/webhooks.repository';

/**
 * Outbound notifications of the shop, beneath the modules whose changes they tell about
 * (quotes, orders): `Notifications` is what those call, in their transactions; each channel
 * records into its own outbox and delivers from it. Webhooks are the first channel; the B2B
 * API on top manages webhook subscriptions through SecretBox, WebhooksRepository and the
 * deliverer.
 */
@Module({
  providers: [
    ...webhookDeliveryProviders,
    WebhooksRepository,
    WebhookChannel,
    WebhookDeliveryLifecycle,
    WebhookRedeliveryRequestedHandler,
    {
      provide: NOTIFICATION_CHANNELS,
      useFactory: (webhooks: WebhookChannel): NotificationChannel[] => [webhooks],
      inject: [WebhookChannel],
    },
    Notifications,
  ],
  exports: [Notifications, SecretBox, WebhooksRepository, WebhookTargets, WEBHOOK_DELIVERER],
})
export class NotificationsModule {}
