import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { AfterCommit } from '@fabflow/messaging';
import { QuoteMetrics } from '../quotes/quote-metrics';
import { QuoteNotifier } from '../quotes/quote-notifier';
import { QuotesRepository } from '../quotes/quotes.repository';
import type { ShopDatabase } from '../shop.database';

/**
 * What becomes of the quotes of cancelled order lines: they are released, READY again while
 * their validUntil is in the future (the customer can order them again without a new price),
 * else EXPIRED (QUOTE_TRANSITIONS: ACCEPTED → READY | EXPIRED). Open progress streams hear of
 * it after the commit.
 */
@Injectable()
export class QuoteRelease {
  constructor(
    private readonly quotes: QuotesRepository,
    private readonly notifier: QuoteNotifier,
    private readonly metrics: QuoteMetrics,
  ) {}

  async release(
    tx: Transaction<ShopDatabase>,
    quoteIds: readonly string[],
    afterCommit: AfterCommit,
    now = new Date(),
  ): Promise<void> {
    const accepted = (await this.quotes.lockMany(tx, quoteIds)).filter(
      (q) => q.status === 'ACCEPTED',
    );
    const valid = accepted.filter((q) => q.valid_until !== null && q.valid_until > now);
    const lapsed = accepted.filter((q) => !valid.includes(q));
    await this.quotes.setStatus(
      tx,
      valid.map((q) => q.id),
      'READY',
    );
    await this.quotes.setStatus(
      tx,
      lapsed.map((q) => q.id),
      'EXPIRED',
    );
    afterCommit(() => {
      for (const q of accepted) this.notifier.changed(q.id);
      if (lapsed.length > 0) this.metrics.outcome('EXPIRED', lapsed.length);
    });
  }

  /**
   * A line that production had shipped before its cancellation arrived was ordered after all:
   * its released quote is ACCEPTED again, unless the customer has ordered it anew meanwhile
   * (then it is that order's) or it lapsed.
   */
  async reaccept(
    tx: Transaction<ShopDatabase>,
    quoteIds: readonly string[],
    afterCommit: AfterCommit,
  ): Promise<void> {
    const ready = (await this.quotes.lockMany(tx, quoteIds)).filter((q) => q.status === 'READY');
    await this.quotes.setStatus(
      tx,
      ready.map((q) => q.id),
      'ACCEPTED',
    );
    afterCommit(() => {
      for (const q of ready) this.notifier.changed(q.id);
    });
  }
}
