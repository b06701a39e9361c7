import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import type { ShopConfig } from '../shop.config';
import { QuoteMetrics } from './quote-metrics';
import { QuoteNotifier } from './quote-notifier';
import { QuotesRepository } from './quotes.repository';

/**
 * Writes EXPIRED on priced quotes past their validUntil, every QUOTE_EXPIRY_SWEEP_MS. Reads and
 * order placement already treat such a quote as expired the moment validUntil passes; the
 * sweep makes the stored status (and the quotes-by-status metric) catch up. One UPDATE: safe
 * with several instances sweeping at once.
 */
@Injectable()
export class QuoteExpiryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly quotes: QuotesRepository,
    private readonly notifier: QuoteNotifier,
    private readonly metrics: QuoteMetrics,
    @Inject(APP_CONFIG) private readonly config: Pick<ShopConfig, 'QUOTE_EXPIRY_SWEEP_MS'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'quote expiry sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.config.QUOTE_EXPIRY_SWEEP_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; the number of quotes it expired. */
  async sweep(now = new Date()): Promise<number> {
    const expired = await this.quotes.expireDue(now);
    if (expired.length === 0) return 0;
    for (const id of expired) this.notifier.changed(id);
    this.metrics.outcome('EXPIRED', expired.length);
    this.logger.info({ expired: expired.length }, 'quotes expired');
    return expired.length;
  }
}
