import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
import { DashboardModule } from './dashboard/dashboard.module';
import { QuoteRequestedHandler } from './pricing/events/quote-requested.handler';
import { PricingModule } from './pricing/pricing.module';
import { OrderApprovedHandler } from './work-orders/events/order-approved.handler';
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
          useFactory: (approved: unknown, quoteRequested: unknown) => ({
            [SUBSCRIPTION_QUEUES.mes.orders]: [approved],
            [SUBSCRIPTION_QUEUES.mes.quotes]: [quoteRequested],
          }),
          inject: [OrderApprovedHandler, QuoteRequestedHandler],
        },
        ServiceLifecycle,
      ],
    };
  }
}
