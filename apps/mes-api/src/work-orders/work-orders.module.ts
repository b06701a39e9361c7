import { Module } from '@nestjs/common';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import { PricingModule } from '../pricing/pricing.module';
import { ProductionModule } from '../production/production.module';
import { ReadReplicaModule } from '../read-replica/read-replica.module';
import { OrderCancellation } from './cancellation/order-cancellation';
import { OrderApprovedV2Handler } from './events/order-approved-v2.handler';
import { OrderApprovedHandler } from './events/order-approved.handler';
import { OrderCancelledByCustomerHandler } from './events/order-cancelled-by-customer.handler';
import { OrderCancelledHandler } from './events/order-cancelled.handler';
import { OrderScheduling } from './scheduling/order-scheduling';
import { WorkOrderChanges } from './work-order-changes';
import { WorkOrderLiveHub } from './work-order-live.hub';
import { WorkOrderPricingReader } from './work-order-pricing.reader';
import { WorkOrderTransitions } from './work-order-transitions';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';
import { WorkQueueCache } from './work-queue.cache';
import { WorkQueueController } from './work-queue.controller';
import { WorkQueueKeys } from './work-queue.keys';
import { WorkQueueMetrics } from './work-queue.metrics';
import { WorkQueueRepository } from './work-queue.repository';
import {
  createWorkQueueRedis,
  WORK_QUEUE_REDIS,
  WorkQueueRedisLifecycle,
} from './work-queue.redis';
import { WorkQueueService } from './work-queue.service';

/** What the MES consumes on `mes.orders`: approvals (v1 and v2) and both cancellations. */
export const ORDER_HANDLERS = [
  OrderApprovedHandler,
  OrderApprovedV2Handler,
  OrderCancelledByCustomerHandler,
  OrderCancelledHandler,
];

@Module({
  imports: [ReadReplicaModule, PricingModule, ProductionModule],
  // The queue's static routes (counts, filters, stream) before the detail's /:id.
  controllers: [WorkQueueController, WorkOrdersController],
  providers: [
    WorkOrdersService,
    WorkOrdersRepository,
    WorkOrderTransitions,
    OrderScheduling,
    OrderCancellation,
    ...ORDER_HANDLERS,
    WorkOrderPricingReader,
    WorkQueueService,
    WorkQueueRepository,
    WorkQueueCache,
    WorkQueueKeys,
    WorkQueueMetrics,
    WorkOrderChanges,
    WorkOrderLiveHub,
    { provide: WORK_QUEUE_REDIS, useFactory: createWorkQueueRedis, inject: [APP_CONFIG, LOGGER] },
    WorkQueueRedisLifecycle,
  ],
})
export class WorkOrdersModule {}
