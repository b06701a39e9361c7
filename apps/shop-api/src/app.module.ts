import { Module, type DynamicModule } from '@nestjs/common';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { EVENT_SUBSCRIPTIONS, ServiceLifecycle } from '@fabflow/platform';
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

const ORDER_STATUS_HANDLERS = [
  OrderReceivedHandler,
  OrderApprovedHandler,
  OrderRejectedHandler,
  WorkOrderStatusChangedHandler,
];
const QUOTE_HANDLERS = [QuoteProgressedHandler, QuotePricedHandler, QuoteFailedHandler];

@Module({})
export class AppModule {
  static register(core: DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [core, CustomersModule, UploadsModule, PriceListsModule, QuotesModule, OrdersModule],
      providers: [
        {
          provide: EVENT_SUBSCRIPTIONS,
          useFactory: (...handlers: unknown[]) => ({
            [SUBSCRIPTION_QUEUES.shop.orderStatus]: handlers.slice(0, ORDER_STATUS_HANDLERS.length),
            [SUBSCRIPTION_QUEUES.shop.quotes]: handlers.slice(
              ORDER_STATUS_HANDLERS.length,
              ORDER_STATUS_HANDLERS.length + QUOTE_HANDLERS.length,
            ),
            [SUBSCRIPTION_QUEUES.shop.priceLists]: handlers.slice(
              ORDER_STATUS_HANDLERS.length + QUOTE_HANDLERS.length,
            ),
          }),
          inject: [...ORDER_STATUS_HANDLERS, ...QUOTE_HANDLERS, PriceListPublishedHandler],
        },
        ServiceLifecycle,
      ],
    };
  }
}
