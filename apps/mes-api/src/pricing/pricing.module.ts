import { Module } from '@nestjs/common';
import { APP_CONFIG, DB } from '@fabflow/platform';
import { PricingJobDispatchRepository } from '@fabflow/pricing-jobs';
import type { Kysely } from 'kysely';
import type { MesConfig } from '../mes.config';
import type { MesDatabase } from '../mes.database';
import { QuoteRequestedHandler } from './events/quote-requested.handler';
import { PriceListPublisher } from './price-lists/price-list-publisher';
import { PriceListsRepository } from './price-lists/price-lists.repository';
import { PricingController } from './pricing.controller';
import { PricingDispatcher } from './pricing-dispatcher';
import { PricingJobReadRepository } from './pricing-job-read.repository';
import { PricingJobRecovery } from './pricing-job-recovery';
import { PricingMetrics } from './pricing-metrics';
import { PricingQueue } from './pricing-queue';
import { PricingQueueLifecycle } from './pricing-queue.lifecycle';

/**
 * Pricing on the MES side: records a pricing job per requested quote, dispatches jobs into the
 * BullMQ queue the pricing worker consumes, announces the active price list, and reads results.
 */
@Module({
  controllers: [PricingController],
  providers: [
    {
      provide: PricingQueue,
      useFactory: (config: MesConfig) =>
        new PricingQueue({
          redis: config,
          queue: config.PRICING_QUEUE,
          attempts: config.PRICING_ATTEMPTS,
          backoffMs: config.PRICING_BACKOFF_MS,
          keepCompleted: config.PRICING_KEEP_COMPLETED,
          keepFailed: config.PRICING_KEEP_FAILED,
        }),
      inject: [APP_CONFIG],
    },
    PricingQueueLifecycle,
    {
      provide: PricingJobDispatchRepository,
      useFactory: (db: Kysely<MesDatabase>) => new PricingJobDispatchRepository(db),
      inject: [DB],
    },
    PricingJobReadRepository,
    PricingMetrics,
    PricingDispatcher,
    PricingJobRecovery,
    QuoteRequestedHandler,
    PriceListsRepository,
    PriceListPublisher,
  ],
  exports: [PricingJobReadRepository],
})
export class PricingModule {}
