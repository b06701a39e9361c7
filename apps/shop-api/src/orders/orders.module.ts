import { Module } from '@nestjs/common';
import { B2bModule } from '../b2b/b2b.module';
import { QuotesModule } from '../quotes/quotes.module';
import { OrderApprovedHandler } from './events/order-approved.handler';
import { OrderReceivedHandler } from './events/order-received.handler';
import { OrderRejectedHandler } from './events/order-rejected.handler';
import { WorkOrderStatusChangedHandler } from './events/work-order-status-changed.handler';
import { OrderStatusProjection } from './order-status.projection';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

const handlers = [
  OrderReceivedHandler,
  OrderApprovedHandler,
  OrderRejectedHandler,
  WorkOrderStatusChangedHandler,
];

@Module({
  imports: [QuotesModule, B2bModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrdersRepository, OrderStatusProjection, ...handlers],
  exports: [OrdersService, ...handlers],
})
export class OrdersModule {}
