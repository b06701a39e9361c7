import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
import { CatalogModule } from './catalog/catalog.module';
import { CustomersModule } from './customers/customers.module';
import { OrderApprovedHandler } from './orders/events/order-approved.handler';
import { OrderReceivedHandler } from './orders/events/order-received.handler';
import { OrderRejectedHandler } from './orders/events/order-rejected.handler';
import { WorkOrderStatusChangedHandler } from './orders/events/work-order-status-changed.handler';
import { OrdersModule } from './orders/orders.module';

@Module({})
export class AppModule {
  static register(core: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [core, CustomersModule, CatalogModule, OrdersModule],
      providers: [
        {
          provide: EVENT_SUBSCRIPTIONS,
          useFactory: (...handlers: unknown[]) => ({
            [SUBSCRIPTION_QUEUES.shop.orderStatus]: handlers,
          }),
          inject: [
            OrderReceivedHandler,
            OrderApprovedHandler,
            OrderRejectedHandler,
            WorkOrderStatusChangedHandler,
          ],
        },
        ServiceLifecycle,
      ],
    };
  }
}
