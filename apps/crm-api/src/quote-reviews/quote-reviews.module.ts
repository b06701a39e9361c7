import { Module } from '@nestjs/common';
import { QuotePricedHandler } from './events/quote-priced.handler';
import { QuoteRequestedHandler } from './events/quote-requested.handler';
import { QuoteReviewsController } from './quote-reviews.controller';
import { QuoteReviewsService } from './quote-reviews.service';
import { QuotesRepository } from './quotes.repository';

const handlers = [QuoteRequestedHandler, QuotePricedHandler];

/** The review queue of NEEDS_REVIEW quotes and the managers' decisions. */
@Module({
  controllers: [QuoteReviewsController],
  providers: [QuotesRepository, QuoteReviewsService, ...handlers],
  exports: handlers,
})
export class QuoteReviewsModule {}
