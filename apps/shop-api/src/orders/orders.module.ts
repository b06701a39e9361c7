import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PriceListsModule } from '../price-lists/price-lists.module';
import { QuotesModule } from '../quotes/quotes.module';
import { CartController } from './cart/cart.controller';
import { CartRepository } from './cart/cart.repository';
import { CartService } from './cart/cart.service';
import { OrderApprovedV2Handler } from './events/order-approved-v2.handler';
import { OrderApprovedHandler } from './events/order-approved.handler';
import { OrderCancellationAppliedHandler } from './events/order-cancellation-applied.handler';
import { OrderCancelledHandler } from './events/order-cancelled.handler';
import { OrderReceivedHandler } from './events/order-received.handler';
import { OrderRejectedHandler } from './events/order-rejected.handler';
import { WorkOrderStatusChangedV1Handler } from './events/work-order-status-changed-v1.handler';
import { WorkOrderStatusChangedHandler } from './events/work-order-status-changed.handler';
import { OrderCancellation } from './order-cancellation.service';
import { OrderCancelledProjection } from './order-cancelled.projection';
import { OrderLinesRepository } from './order-lines.repository';
import { OrderPlacement } from './order-placement.service';
import { OrderQuotes } from './order-quotes';
import { OrderStatusProjection } from './order-status.projection';
import { OrderUpdates } from './order-updates';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { ProductionProjection } from './production.projection';
import { QuoteRelease } from './quote-release';

/**
 * Orders with lines (placed from quotes, one-line or from the B2C cart), the customer's
 * cancellation, and the projections of the CRM's and the MES's order events.
 */
@Module({
  imports: [QuotesModule, PriceListsModule, NotificationsModule, IdempotencyModule],
  controllers: [OrdersController, CartController],
  providers: [
    OrdersService,
    OrdersRepository,
    OrderLinesRepository,
    OrderPlacement,
    OrderQuotes,
    OrderCancellation,
    OrderUpdates,
    QuoteRelease,
    CartRepository,
    CartService,
    OrderStatusProjection,
    OrderCancelledProjection,
    ProductionProjection,
    OrderReceivedHandler,
    OrderApprovedHandler,
    OrderApprovedV2Handler,
    OrderRejectedHandler,
    OrderCancelledHandler,
    WorkOrderStatusChangedV1Handler,
    WorkOrderStatusChangedHandler,
    OrderCancellationAppliedHandler,
  ],
  exports: [OrdersService, OrderPlacement, OrderCancellation],
})
export class OrdersModule {}
