import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { OrderCancellationAppliedHandler } from './events/order-cancellation-applied.handler';
import { OrderCancelledByCustomerHandler } from './events/order-cancelled-by-customer.handler';
import { OrderPlacedV1Handler } from './events/order-placed-v1.handler';
import { OrderPlacedHandler } from './events/order-placed.handler';
import { ProductionProjection } from './events/production.projection';
import { WorkOrderCreatedV1Handler } from './events/work-order-created-v1.handler';
import { WorkOrderCreatedHandler } from './events/work-order-created.handler';
import { WorkOrderStatusChangedV1Handler } from './events/work-order-status-changed-v1.handler';
import { WorkOrderStatusChangedHandler } from './events/work-order-status-changed.handler';
import { OrderCancellationService } from './order-cancellation.service';
import { OrderIntake } from './order-intake';
import { OrderLinesRepository } from './order-lines.repository';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { StuckOrdersRepository } from './stuck-orders.repository';
import { StuckOrdersService } from './stuck-orders.service';
import { TimelineRepository } from './timeline.repository';
import { WorkOrdersRepository } from './work-orders.repository';

@Module({
  imports: [AccountsModule],
  controllers: [OrdersController],
  providers: [
    OrdersService,
    OrderCancellationService,
    OrderIntake,
    OrdersRepository,
    OrderLinesRepository,
    WorkOrdersRepository,
    TimelineRepository,
    StuckOrdersRepository,
    StuckOrdersService,
    ProductionProjection,
    OrderPlacedHandler,
    OrderPlacedV1Handler,
    OrderCancelledByCustomerHandler,
    WorkOrderCreatedHandler,
    WorkOrderCreatedV1Handler,
    WorkOrderStatusChangedHandler,
    WorkOrderStatusChangedV1Handler,
    OrderCancellationAppliedHandler,
  ],
})
export class OrdersModule {}
