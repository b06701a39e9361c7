import { Module } from '@nestjs/common';
import { IdempotencyCleanupJob } from './idempotency-cleanup.job';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';

/**
 * Idempotent POSTs for every controller of the shop that declares them: the stored first
 * answer, replayed for a retry with the same Idempotency-Key. A module whose controllers use
 * the interceptor imports this one.
 */
@Module({
  providers: [IdempotencyRepository, IdempotencyInterceptor, IdempotencyCleanupJob],
  exports: [IdempotencyRepository, IdempotencyInterceptor],
})
export class IdempotencyModule {}
