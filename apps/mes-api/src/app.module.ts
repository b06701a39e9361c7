import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
import { OrderApprovedHandler } from './work-orders/events/order-approved.handler';
import { WorkOrdersModule } from './work-orders/work-orders.module';

@Module({})
export class AppModule {
  static register(core: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [core, WorkOrdersModule],
      providers: [
        {
          provide: EVENT_SUBSCRIPTIONS,
          useFactory: (approved: unknown) => ({ 'mes.orders': [approved] }),
          inject: [OrderApprovedHandler],
        },
        ServiceLifecycle,
      ],
    };
  }
}
