import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@fabflow/observability';
import { LOGGER } from '@fabflow/platform';
import { IdempotencyRepository } from './idempotency.repository';

const EVERY_MS = 10 * 60_000;
const BATCH = 5000;

/**
 * Deletes expired idempotency records every 10 minutes, in batches; safe on every instance at
 * once (each batch deletes distinct rows). An expired record is never replayed meanwhile: the
 * claim takes it over.
 */
@Injectable()
export class IdempotencyCleanupJob implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: IdempotencyRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.repo.deleteExpired(BATCH);
        total += n;
        if (n < BATCH) break;
      }
      if (total > 0) this.logger.info({ deleted: total }, 'expired idempotency records deleted');
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'idempotency cleanup failed; next run retries',
      );
    }
    return total;
  }
}
