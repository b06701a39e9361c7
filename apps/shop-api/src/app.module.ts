import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
import { RateLimitModule, type RateLimitConfig } from '@fabflow/rate-limit';
import { B2bApiModule } from './b2b/api/b2b-api.module';
import { B2B_KEY_HANDLERS, B2B_WEBHOOK_HANDLERS, B2bModule } from './b2b/b2b.module';
import { CustomersModule } from './customers/customers.module';
import { OrderApprovedHandler } from './orders/events/order-approved.handler';
import { OrderReceivedHandler } from './orders/events/order-received.handler';
import { OrderRejectedHandler } from './orders/events/order-rejected.handler';
import { WorkOrderStatusChangedHandler } from './orders/events/work-order-status-changed.handler';
import { OrdersModule } from './orders/orders.module';
import { PriceListPublishedHandler } from './price-lists/price-list-published.handler';
import { PriceListsModule } from './price-lists/price-lists.module';
import { QuoteFailedHandler } from './quotes/events/quote-failed.handler';
import { QuotePricedHandler } from './quotes/events/quote-priced.handler';
import { QuoteProgressedHandler } from './quotes/events/quote-progressed.handler';
import { QuotesModule } from './quotes/quotes.module';
import { UploadsModule } from './uploads/uploads.module';

/** Each subscription queue of the shop with its handler classes, in one place. */
const SUBSCRIPTIONS: Array<[string, readonly unknown[]]> = [
  [
    SUBSCRIPTION_QUEUES.shop.orderStatus,
    [
      OrderReceivedHandler,
      OrderApprovedHandler,
      OrderRejectedHandler,
      WorkOrderStatusChangedHandler,
    ],
  ],
  [
    SUBSCRIPTION_QUEUES.shop.quotes,
    [QuoteProgressedHandler, QuotePricedHandler, QuoteFailedHandler],
  ],
  [SUBSCRIPTION_QUEUES.shop.priceLists, [PriceListPublishedHandler]],
  [SUBSCRIPTION_QUEUES.shop.b2bKeys, B2B_KEY_HANDLERS],
  [SUBSCRIPTION_QUEUES.shop.b2bWebhooks, B2B_WEBHOOK_HANDLERS],
];

@Module({})
export class AppModule {
  static register(core: DynamicModule, config: RateLimitConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        core,
        RateLimitModule.forRoot({ service: 'shop', config }),
        CustomersModule,
        UploadsModule,
        PriceListsModule,
        QuotesModule,
        OrdersModule,
        B2bModule,
        B2bApiModule,
      ],
      providers: [
        {
          provide: EVENT_SUBSCRIPTIONS,
          useFactory: (...handlers: unknown[]) => {
            const byQueue: Record<string, unknown[]> = {};
            let at = 0;
            for (const [queue, classes] of SUBSCRIPTIONS) {
              byQueue[queue] = handlers.slice(at, at + classes.length);
              at += classes.length;
            }
            return byQueue;
          },
          inject: SUBSCRIPTIONS.flatMap(([, classes]) => classes) as never[],
        },
        ServiceLifecycle,
      ],
    };
  }
}
