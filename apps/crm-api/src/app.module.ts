import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import {
  EventSubscriptionsModule,
  ServiceLifecycle,
  type EventSubscriptionMap,
} from '@fabflow/platform';
import { RateLimitModule, type RateLimitConfig } from '@fabflow/rate-limit';
import { CustomerRegisteredHandler } from './accounts/customer-registered.handler';
import { CrmB2bModule } from './b2b/b2b.module';
import { WebhookSubscriptionDisabledHandler } from './b2b/events/webhook-subscription-disabled.handler';
import { OrderPlacedHandler } from './orders/events/order-placed.handler';
import { WorkOrderCreatedHandler } from './orders/events/work-order-created.handler';
import { WorkOrderStatusChangedHandler } from './orders/events/work-order-status-changed.handler';
import { OrdersModule } from './orders/orders.module';
import { StaffModule } from './staff/staff.module';

/** Each subscription queue of the CRM with its handler classes: the one place they are listed. */
const SUBSCRIPTIONS: EventSubscriptionMap = {
  [SUBSCRIPTION_QUEUES.crm.accounts]: [
    CustomerRegisteredHandler,
    WebhookSubscriptionDisabledHandler,
  ],
  [SUBSCRIPTION_QUEUES.crm.orders]: [
    OrderPlacedHandler,
    WorkOrderCreatedHandler,
    WorkOrderStatusChangedHandler,
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
        OrdersModule,
        CrmB2bModule,
        StaffModule,
      ],
      providers: [CustomerRegisteredHandler, ServiceLifecycle],
    };
  }
}
