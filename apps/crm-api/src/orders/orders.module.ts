import { Module } from '@nestjs/common';
import { OrderPlacedHandler } from './events/order-placed.handler';
import { WorkOrderCreatedHandler } from './events/work-order-created.handler';
import { WorkOrderStatusChangedHandler } from './events/work-order-status-changed.handler';
import { WorkOrderProjection } from './events/work-order.projection';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { StuckOrdersRepository } from './stuck-orders.repository';
import { StuckOrdersService } from './stuck-orders.service';
import { TimelineRepository } from './timeline.repository';

@Module({
  controllers: [OrdersController],
  providers: [
    OrdersService,
    OrdersRepository,
    TimelineRepository,
    StuckOrdersRepository,
    StuckOrdersService,
    WorkOrderProjection,
    OrderPlacedHandler,
    WorkOrderCreatedHandler,
    WorkOrderStatusChangedHandler,
  ],
})
export class OrdersModule {}
