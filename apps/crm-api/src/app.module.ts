import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
import { CustomerRegisteredHandler } from './accounts/customer-registered.handler';
import { OrderPlacedHandler } from './orders/events/order-placed.handler';
import { WorkOrderCreatedHandler } from './orders/events/work-order-created.handler';
import { WorkOrderStatusChangedHandler } from './orders/events/work-order-status-changed.handler';
import { OrdersModule } from './orders/orders.module';
import { StaffController } from './staff/staff.controller';

@Module({})
export class AppModule {
  static register(core: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [core, OrdersModule],
      controllers: [StaffController],
      providers: [
        CustomerRegisteredHandler,
        {
          provide: EVENT_SUBSCRIPTIONS,
          useFactory: (registered: unknown, ...orderHandlers: unknown[]) => ({
            [SUBSCRIPTION_QUEUES.crm.accounts]: [registered],
            [SUBSCRIPTION_QUEUES.crm.orders]: orderHandlers,
          }),
          inject: [
            CustomerRegisteredHandler,
            OrderPlacedHandler,
            WorkOrderCreatedHandler,
            WorkOrderStatusChangedHandler,
          ],
        },
        ServiceLifecycle,
      ],
    };
  }
}
