import { Module } from '@nestjs/common';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import { PricingModule } from '../pricing/pricing.module';
import { ReadReplicaModule } from '../read-replica/read-replica.module';
import { OrderApprovedHandler } from './events/order-approved.handler';
import { WorkOrderChanges } from './work-order-changes';
import { WorkOrderLiveHub } from './work-order-live.hub';
import { WorkOrderPricingReader } from './work-order-pricing.reader';
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

@Module({
  imports: [ReadReplicaModule, PricingModule],
  // The queue's static routes (counts, filters, stream) before the detail's /:id.
  controllers: [WorkQueueController, WorkOrdersController],
  providers: [
    WorkOrdersService,
    WorkOrdersRepository,
    OrderApprovedHandler,
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
