import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../idempotency/idempotency.module';
import { OrdersModule } from '../../orders/orders.module';
import { QuotesModule } from '../../quotes/quotes.module';
import { UploadsModule } from '../../uploads/uploads.module';
import { B2bModelsController } from './b2b-models.controller';
import { B2bOrdersController } from './b2b-orders.controller';
import { B2bQuotas } from './b2b-quotas';
import { B2bQuotesController } from './b2b-quotes.controller';

/**
 * The B2B API's models, quotes and orders: the shop's own upload, quote and order services with
 * the organisation as the owner (its account in `customers`). The API key of every request is
 * checked by B2bModule's authenticator, which it registers with the global auth guard.
 */
@Module({
  imports: [IdempotencyModule, UploadsModule, QuotesModule, OrdersModule],
  controllers: [B2bModelsController, B2bQuotesController, B2bOrdersController],
  providers: [B2bQuotas],
})
export class B2bApiModule {}
