import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { QuoteStatus } from '@fabflow/contracts';
import type { AfterCommit } from '@fabflow/messaging';
import { QuoteMetrics } from '../quotes/quote-metrics';
import { QuoteNotifier } from '../quotes/quote-notifier';
import { effectiveStatus } from '../quotes/quote.mapper';
import { QuotesRepository, type QuoteWithFile } from '../quotes/quotes.repository';
import type { ShopDatabase } from '../shop.database';
import { OrderRefused } from './order.errors';
import { OrderLinesRepository } from './order-lines.repository';

/**
 * Whether quotes can be ordered together: each the customer's own (else not found), READY and
 * unexpired, all in one currency. Used by order placement and by the cart (an item must be
 * orderable when added, and again at checkout).
 */
@Injectable()
export class OrderQuotes {
  constructor(
    private readonly quotes: QuotesRepository,
    private readonly lines: OrderLinesRepository,
    private readonly notifier: QuoteNotifier,
    private readonly metrics: QuoteMetrics,
  ) {}

  /**
   * The quotes, locked, in the order given; throws OrderRefused for the first that cannot be
   * ordered. A quote found expired since the last sweep is recorded EXPIRED in `tx`; the
   * refusal is then returned instead of thrown, for the caller to throw once that committed.
   */
  async orderable(
    tx: Transaction<ShopDatabase>,
    customerId: string,
    quoteIds: readonly string[],
    afterCommit: AfterCommit,
  ): Promise<QuoteWithFile[] | OrderRefused> {
    const now = new Date();
    const locked = await this.quotes.lockMany(tx, quoteIds);
    const byId = new Map(locked.filter((q) => q.customer_id === customerId).map((q) => [q.id, q]));
    const missing = quoteIds.find((id) => !byId.has(id));
    if (missing !== undefined)
      throw new OrderRefused({ reason: 'quote-not-found', quoteId: missing });
    const quotes = quoteIds.map((id) => byId.get(id)!);
    const lapsed = quotes.filter(
      (q) => q.status !== 'EXPIRED' && effectiveStatus(q, now) === 'EXPIRED',
    );
    if (lapsed.length > 0) await this.expire(tx, lapsed, afterCommit);
    const bad = quotes.find((q) => effectiveStatus(q, now) !== 'READY');
    if (bad) {
      const refusal = await this.notOrderable(tx, bad, effectiveStatus(bad, now));
      if (lapsed.length > 0) return refusal;
      throw refusal;
    }
    const currencies = quotes.map((q) => ({ quoteId: q.id, currency: q.price!.currency }));
    if (new Set(currencies.map((c) => c.currency)).size > 1)
      throw new OrderRefused({ reason: 'mixed-currencies', currencies });
    return quotes;
  }

  private async expire(
    tx: Transaction<ShopDatabase>,
    lapsed: readonly QuoteWithFile[],
    afterCommit: AfterCommit,
  ): Promise<void> {
    await this.quotes.setStatus(
      tx,
      lapsed.map((q) => q.id),
      'EXPIRED',
    );
    afterCommit(() => {
      for (const q of lapsed) this.notifier.changed(q.id);
      this.metrics.outcome('EXPIRED', lapsed.length);
    });
  }

  /** Why a quote cannot be ordered, with the facts the customer can act on. */
  private async notOrderable(
    tx: Transaction<ShopDatabase>,
    quote: QuoteWithFile,
    status: QuoteStatus,
  ): Promise<OrderRefused> {
    const orderId = status === 'ACCEPTED' ? await this.lines.orderOfQuote(tx, quote.id) : undefined;
    return new OrderRefused({
      reason: 'quote-not-orderable',
      quoteId: quote.id,
      status: status as Exclude<QuoteStatus, 'READY'>,
      validUntil: quote.valid_until,
      failureReason: quote.failure_reason,
      orderId: orderId ?? null,
    });
  }
}
