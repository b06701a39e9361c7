import { Module } from '@nestjs/common';
import { OrderApprovedHandler } from './events/order-approved.handler';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';

@Module({
  controllers: [WorkOrdersController],
  providers: [WorkOrdersService, WorkOrdersRepository, OrderApprovedHandler],
  exports: [OrderApprovedHandler],
})
export class WorkOrdersModule {}
