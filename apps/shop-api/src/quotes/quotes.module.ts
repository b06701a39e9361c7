import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PriceListsModule } from '../price-lists/price-lists.module';
import { UploadsModule } from '../uploads/uploads.module';
import { QuoteFailedHandler } from './events/quote-failed.handler';
import { QuotePricedHandler } from './events/quote-priced.handler';
import { QuoteProgressedHandler } from './events/quote-progressed.handler';
import { QuoteReviewedHandler } from './events/quote-reviewed.handler';
import { QuoteEventStreams } from './quote-event-streams';
import { QuoteEventsHub } from './quote-events.hub';
import { QuoteExpiryService } from './quote-expiry.service';
import { QuoteMetrics } from './quote-metrics';
import { QuoteNotifier } from './quote-notifier';
import { QuoteProjection } from './quote.projection';
import { QuoteReviewProjection } from './quote-review.projection';
import { QuotesController } from './quotes.controller';
import { QuotesRepository } from './quotes.repository';
import { QuotesService } from './quotes.service';

@Module({
  imports: [UploadsModule, PriceListsModule, NotificationsModule, IdempotencyModule],
  controllers: [QuotesController],
  providers: [
    QuotesService,
    QuotesRepository,
    QuoteProjection,
    QuoteNotifier,
    QuoteMetrics,
    QuoteEventsHub,
    QuoteEventStreams,
    QuoteExpiryService,
    QuoteProgressedHandler,
    QuotePricedHandler,
    QuoteFailedHandler,
    QuoteReviewProjection,
    QuoteReviewedHandler,
  ],
  exports: [QuotesService, QuotesRepository, QuoteNotifier, QuoteMetrics],
})
export class QuotesModule {}
