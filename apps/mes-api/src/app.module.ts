import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
import { DashboardModule } from './dashboard/dashboard.module';
import { QuoteRequestedHandler } from './pricing/events/quote-requested.handler';
import { PricingModule } from './pricing/pricing.module';
import { OrderApprovedV2Handler } from './work-orders/events/order-approved-v2.handler';
import { OrderApprovedHandler } from './work-orders/events/order-approved.handler';
import { OrderCancelledByCustomerHandler } from './work-orders/events/order-cancelled-by-customer.handler';
import { OrderCancelledHandler } from './work-orders/events/order-cancelled.handler';
import { WorkOrdersModule } from './work-orders/work-orders.module';

@Module({})
export class AppModule {
  static register(core: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [core, WorkOrdersModule, DashboardModule, PricingModule],
      providers: [
        {
          provide: EVENT_SUBSCRIPTIONS,
          useFactory: (
            quoteRequested: unknown,
            approved: unknown,
            approvedV2: unknown,
            cancelledByCustomer: unknown,
            cancelled: unknown,
          ) => ({
            [SUBSCRIPTION_QUEUES.mes.orders]: [
              approved,
              approvedV2,
              cancelledByCustomer,
              cancelled,
            ],
            [SUBSCRIPTION_QUEUES.mes.quotes]: [quoteRequested],
          }),
          inject: [
            QuoteRequestedHandler,
            OrderApprovedHandler,
            OrderApprovedV2Handler,
            OrderCancelledByCustomerHandler,
            OrderCancelledHandler,
          ],
        },
        ServiceLifecycle,
      ],
    };
  }
}
