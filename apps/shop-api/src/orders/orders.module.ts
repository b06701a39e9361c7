import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { QuotesModule } from '../quotes/quotes.module';
import { OrderApprovedHandler } from './events/order-approved.handler';
import { OrderReceivedHandler } from './events/order-received.handler';
import { OrderRejectedHandler } from './events/order-rejected.handler';
import { WorkOrderStatusChangedHandler } from './events/work-order-status-changed.handler';
import { OrderStatusProjection } from './order-status.projection';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [QuotesModule, NotificationsModule, IdempotencyModule],
  controllers: [OrdersController],
  providers: [
    OrdersService,
    OrdersRepository,
    OrderStatusProjection,
    OrderReceivedHandler,
    OrderApprovedHandler,
    OrderRejectedHandler,
    WorkOrderStatusChangedHandler,
  ],
  exports: [OrdersService],
})
export class OrdersModule {}
