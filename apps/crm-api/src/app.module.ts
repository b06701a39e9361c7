import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import {
  EventSubscriptionsModule,
  ServiceLifecycle,
  type EventSubscriptionMap,
} from '@fabflow/platform';
import { RateLimitModule, type RateLimitConfig } from '@fabflow/rate-limit';
import { AccountsModule } from './accounts/accounts.module';
import { CustomerRegisteredHandler } from './accounts/customer-registered.handler';
import { CrmB2bModule } from './b2b/b2b.module';
import { WebhookSubscriptionDisabledHandler } from './b2b/events/webhook-subscription-disabled.handler';
import { OrderCancellationAppliedHandler } from './orders/events/order-cancellation-applied.handler';
import { OrderCancelledByCustomerHandler } from './orders/events/order-cancelled-by-customer.handler';
import { OrderPlacedV1Handler } from './orders/events/order-placed-v1.handler';
import { OrderPlacedHandler } from './orders/events/order-placed.handler';
import { WorkOrderCreatedV1Handler } from './orders/events/work-order-created-v1.handler';
import { WorkOrderCreatedHandler } from './orders/events/work-order-created.handler';
import { WorkOrderStatusChangedV1Handler } from './orders/events/work-order-status-changed-v1.handler';
import { WorkOrderStatusChangedHandler } from './orders/events/work-order-status-changed.handler';
import { OrdersModule } from './orders/orders.module';
import { QuotePricedHandler } from './quote-reviews/events/quote-priced.handler';
import { QuoteRequestedHandler } from './quote-reviews/events/quote-requested.handler';
import { QuoteReviewsModule } from './quote-reviews/quote-reviews.module';
import { StaffModule } from './staff/staff.module';

/** Each subscription queue of the CRM with its handler classes: the one place they are listed. */
const SUBSCRIPTIONS: EventSubscriptionMap = {
  [SUBSCRIPTION_QUEUES.crm.accounts]: [
    CustomerRegisteredHandler,
    WebhookSubscriptionDisabledHandler,
  ],
  [SUBSCRIPTION_QUEUES.crm.quoteReviews]: [QuoteRequestedHandler, QuotePricedHandler],
  [SUBSCRIPTION_QUEUES.crm.orders]: [
    OrderPlacedHandler,
    OrderPlacedV1Handler,
    OrderCancelledByCustomerHandler,
    WorkOrderCreatedHandler,
    WorkOrderCreatedV1Handler,
    WorkOrderStatusChangedHandler,
    WorkOrderStatusChangedV1Handler,
    OrderCancellationAppliedHandler,
  ],
};

@Module({})
export class AppModule {
  static register(core: DynamicModule, config: RateLimitConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        core,
        RateLimitModule.forRoot({ service: 'crm', config }),
        EventSubscriptionsModule.forRoot(SUBSCRIPTIONS),
        AccountsModule,
        OrdersModule,
        QuoteReviewsModule,
        CrmB2bModule,
        StaffModule,
      ],
      providers: [ServiceLifecycle],
    };
  }
}
