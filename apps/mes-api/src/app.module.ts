import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import {
  EventSubscriptionsModule,
  ServiceLifecycle,
  type EventSubscriptionMap,
} from '@fabflow/platform';
import { DashboardModule } from './dashboard/dashboard.module';
import { QuoteRequestedHandler } from './pricing/events/quote-requested.handler';
import { PricingModule } from './pricing/pricing.module';
import { OrderApprovedV2Handler } from './work-orders/events/order-approved-v2.handler';
import { OrderApprovedHandler } from './work-orders/events/order-approved.handler';
import { OrderCancelledByCustomerHandler } from './work-orders/events/order-cancelled-by-customer.handler';
import { OrderCancelledHandler } from './work-orders/events/order-cancelled.handler';
import { WorkOrdersModule } from './work-orders/work-orders.module';

/** Each subscription queue of the MES with its handler classes: the one place they are listed. */
const SUBSCRIPTIONS: EventSubscriptionMap = {
  [SUBSCRIPTION_QUEUES.mes.orders]: [
    OrderApprovedHandler,
    OrderApprovedV2Handler,
    OrderCancelledByCustomerHandler,
    OrderCancelledHandler,
  ],
  [SUBSCRIPTION_QUEUES.mes.quotes]: [QuoteRequestedHandler],
};

@Module({})
export class AppModule {
  static register(core: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [
        core,
        EventSubscriptionsModule.forRoot(SUBSCRIPTIONS),
        WorkOrdersModule,
        DashboardModule,
        PricingModule,
      ],
      providers: [ServiceLifecycle],
    };
  }
}
