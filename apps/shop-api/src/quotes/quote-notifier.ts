import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from '@fabflow/observability';
import { LOGGER, REDIS } from '@fabflow/platform';

/** The Redis channel on which every shop instance hears that a quote changed. */
export const quoteChannel = (quoteId: string) => `fabflow:quote:${quoteId}`;

/**
 * Tells every shop instance that a quote changed (after the change committed), so open
 * progress streams re-read it. Pub/sub is at most once: a lost notification is made up for by
 * the streams' own periodic re-read.
 */
@Injectable()
export class QuoteNotifier {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  changed(quoteId: string): void {
    this.redis
      .publish(quoteChannel(quoteId), JSON.stringify({ quoteId }))
      .catch((err: Error) =>
        this.logger.warn({ err: err.message, quoteId }, 'could not publish a quote change'),
      );
  }
}
