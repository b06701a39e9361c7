import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
import { RateLimitModule, type RateLimitConfig } from '@fabflow/rate-limit';
import { B2B_KEY_HANDLERS, B2B_WEBHOOK_HANDLERS, B2bModule } from './b2b/b2b.module';
import { CatalogModule } from './catalog/catalog.module';
import { CustomersModule } from './customers/customers.module';
import { OrderApprovedHandler } from './orders/events/order-approved.handler';
import { OrderReceivedHandler } from './orders/events/order-received.handler';
import { OrderRejectedHandler } from './orders/events/order-rejected.handler';
import { WorkOrderStatusChangedHandler } from './orders/events/work-order-status-changed.handler';
import { OrdersModule } from './orders/orders.module';

@Module({})
export class AppModule {
  static register(core: DynamicModule, config: RateLimitConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        core,
        RateLimitModule.forRoot({ service: 'shop', config }),
        CustomersModule,
        CatalogModule,
        OrdersModule,
        B2bModule,
      ],
      providers: [
        {
          provide: EVENT_SUBSCRIPTIONS,
          useFactory: (...handlers: unknown[]) => ({
            [SUBSCRIPTION_QUEUES.shop.orderStatus]: handlers.slice(0, 4),
            [SUBSCRIPTION_QUEUES.shop.b2bKeys]: handlers.slice(4, 4 + B2B_KEY_HANDLERS.length),
            [SUBSCRIPTION_QUEUES.shop.b2bWebhooks]: handlers.slice(4 + B2B_KEY_HANDLERS.length),
          }),
          inject: [
            OrderReceivedHandler,
            OrderApprovedHandler,
            OrderRejectedHandler,
            WorkOrderStatusChangedHandler,
            ...B2B_KEY_HANDLERS,
            ...B2B_WEBHOOK_HANDLERS,
          ],
        },
        ServiceLifecycle,
      ],
    };
  }
}
