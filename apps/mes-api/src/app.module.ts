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
import { OrderApprovedHandler } from './work-orders/events/order-approved.handler';
import { WorkOrdersModule } from './work-orders/work-orders.module';

/** Each subscription queue of the MES with its handler classes: the one place they are listed. */
const SUBSCRIPTIONS: EventSubscriptionMap = {
  [SUBSCRIPTION_QUEUES.mes.orders]: [OrderApprovedHandler],
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
