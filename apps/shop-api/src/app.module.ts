import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import {
  EventSubscriptionsModule,
  ServiceLifecycle,
  type EventSubscriptionMap,
} from '@fabflow/platform';
import { RateLimitModule, type RateLimitConfig } from '@fabflow/rate-limit';
import { B2bApiModule } from './b2b/api/b2b-api.module';
import { B2bModule } from './b2b/b2b.module';
import { ApiKeyIssuedHandler } from './b2b/keys/events/api-key-issued.handler';
import { ApiKeyRevokedHandler } from './b2b/keys/events/api-key-revoked.handler';
import { OrganisationChangedHandler } from './b2b/keys/events/organisation-changed.handler';
import { TierUpdatedHandler } from './b2b/keys/events/tier-updated.handler';
import { CustomersModule } from './customers/customers.module';
import { WebhookRedeliveryRequestedHandler } from './notifications/webhooks/webhook-redelivery-requested.handler';
import { OrderApprovedV2Handler } from './orders/events/order-approved-v2.handler';
import { OrderApprovedHandler } from './orders/events/order-approved.handler';
import { OrderCancellationAppliedHandler } from './orders/events/order-cancellation-applied.handler';
import { OrderCancelledHandler } from './orders/events/order-cancelled.handler';
import { OrderReceivedHandler } from './orders/events/order-received.handler';
import { OrderRejectedHandler } from './orders/events/order-rejected.handler';
import { WorkOrderStatusChangedV1Handler } from './orders/events/work-order-status-changed-v1.handler';
import { WorkOrderStatusChangedHandler } from './orders/events/work-order-status-changed.handler';
import { OrdersModule } from './orders/orders.module';
import { PriceListPublishedHandler } from './price-lists/price-list-published.handler';
import { PriceListsModule } from './price-lists/price-lists.module';
import { QuoteFailedHandler } from './quotes/events/quote-failed.handler';
import { QuotePricedHandler } from './quotes/events/quote-priced.handler';
import { QuoteProgressedHandler } from './quotes/events/quote-progressed.handler';
import { QuoteReviewedHandler } from './quotes/events/quote-reviewed.handler';
import { QuotesModule } from './quotes/quotes.module';
import { UploadsModule } from './uploads/uploads.module';

/** Each subscription queue of the shop with its handler classes: the one place they are listed. */
const SUBSCRIPTIONS: EventSubscriptionMap = {
  [SUBSCRIPTION_QUEUES.shop.orderStatus]: [
    OrderReceivedHandler,
    OrderApprovedHandler,
    OrderApprovedV2Handler,
    OrderRejectedHandler,
    OrderCancelledHandler,
    WorkOrderStatusChangedV1Handler,
    WorkOrderStatusChangedHandler,
    OrderCancellationAppliedHandler,
  ],
  [SUBSCRIPTION_QUEUES.shop.quotes]: [
    QuoteProgressedHandler,
    QuotePricedHandler,
    QuoteFailedHandler,
    QuoteReviewedHandler,
  ],
  [SUBSCRIPTION_QUEUES.shop.priceLists]: [PriceListPublishedHandler],
  [SUBSCRIPTION_QUEUES.shop.b2bKeys]: [
    ApiKeyIssuedHandler,
    ApiKeyRevokedHandler,
    TierUpdatedHandler,
    OrganisationChangedHandler,
  ],
  [SUBSCRIPTION_QUEUES.shop.b2bWebhooks]: [WebhookRedeliveryRequestedHandler],
};

@Module({})
export class AppModule {
  static register(core: DynamicModule, config: RateLimitConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        core,
        RateLimitModule.forRoot({ service: 'shop', config }),
        EventSubscriptionsModule.forRoot(SUBSCRIPTIONS),
        CustomersModule,
        UploadsModule,
        PriceListsModule,
        QuotesModule,
        OrdersModule,
        B2bModule,
        B2bApiModule,
      ],
      providers: [ServiceLifecycle],
    };
  }
}
