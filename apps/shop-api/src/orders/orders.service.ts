import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { Principal } from '@fabflow/auth';
import { OrderPlaced, type QuoteStatus } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { EventSink, UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import { QuoteMetrics } from '../quotes/quote-metrics';
import { QuoteNotifier } from '../quotes/quote-notifier';
import { effectiveStatus } from '../quotes/quote.mapper';
import { QuotesRepository, type QuoteWithFile } from '../quotes/quotes.repository';
import type { ShopDatabase } from '../shop.database';
import { OrderRefused } from './order.errors';
import { OrdersRepository } from './orders.repository';

type OrderRow = NonNullable<Awaited<ReturnType<OrdersRepository['findOwned']>>>;

type HistoryRow = Awaited<ReturnType<OrdersRepository['history']>>[number];

/** Who orders: a B2C customer, or a B2B organisation through an API key (see QuoteOrigin). */
export type OrderOrigin =
  | { channel: 'B2C' }
  | {
      channel: 'B2B';
      /**
       * Runs once the quote is found orderable, inside the transaction just before the order is
       * written (the daily quota); throwing refuses it with nothing written.
       */
      admit?: () => Promise<void>;
    };

const B2C: OrderOrigin = { channel: 'B2C' };

export interface PlaceOrderResult {
  order: OrderRow;
  history: HistoryRow[];
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly quotes: QuotesRepository,
    private readonly notifier: QuoteNotifier,
    private readonly quoteMetrics: QuoteMetrics,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<ShopDatabase>,
  ) {}

  /**
   * Orders a READY quote: the order, the quote's move to ACCEPTED and `OrderPlaced` commit in
   * one transaction, with the quote locked, so a quote is ordered at most once (which is also
   * why a retry can never make a second order; replaying it is the idempotency interceptor's).
   */
  async place(
    customerId: string,
    input: { quoteId: string },
    origin: OrderOrigin = B2C,
  ): Promise<PlaceOrderResult> {
    const id = uuidv7();
    annotateContext('order_id', id);
    annotateContext('quote_id', input.quoteId);
    const placedAt = new Date();
    let refusal: OrderRefused | undefined;
    await this.uow.run(async (tx, events, afterCommit) => {
      const quote = await this.quotes.lock(tx, input.quoteId);
      if (!quote || quote.customer_id !== customerId)
        throw new OrderRefused({ reason: 'quote-not-found', quoteId: input.quoteId });
      const status = effectiveStatus(quote, placedAt);
      if (status === 'EXPIRED' && quote.status !== 'EXPIRED') {
        // Expired since the last sweep: record it, and refuse once it is committed.
        await this.quotes.update(tx, quote.id, { status: 'EXPIRED' });
        afterCommit(() => {
          this.notifier.changed(quote.id);
          this.quoteMetrics.outcome('EXPIRED');
        });
        refusal = await this.notOrderable(tx, quote, status);
        return;
      }
      if (status !== 'READY') throw await this.notOrderable(tx, quote, status);
      if (origin.channel === 'B2B') await origin.admit?.();
      await this.accept(tx, events, quote, { id, customerId, placedAt, channel: origin.channel });
      afterCommit(() => {
        this.notifier.changed(quote.id);
        this.quoteMetrics.outcome('ACCEPTED');
      });
    });
    if (refusal) throw refusal;
    const order = (await this.orders.findOwned(id, customerId))!;
    return { order, history: await this.orders.history(id) };
  }

  /** The order at the quote's price, the quote ACCEPTED, and `OrderPlaced`. */
  private async accept(
    tx: Transaction<ShopDatabase>,
    events: EventSink,
    quote: QuoteWithFile,
    o: { id: string; customerId: string; placedAt: Date; channel: OrderOrigin['channel'] },
  ): Promise<void> {
    const price = quote.price!;
    await this.orders.insert(
      tx,
      {
        id: o.id,
        customer_id: o.customerId,
        quote_id: quote.id,
        sku: null,
        name: quote.filename,
        material: quote.material_id,
        quantity: quote.quantity,
        unit_price_cents: price.unitPriceCents,
        total_cents: price.totalCents,
        currency: price.currency,
        status: 'PLACED',
        channel: o.channel,
      },
      o.placedAt,
    );
    await this.quotes.update(tx, quote.id, { status: 'ACCEPTED' });
    await events.emit(
      OrderPlaced,
      {
        orderId: o.id,
        customerId: o.customerId,
        item: {
          quoteId: quote.id,
          name: quote.filename,
          material: quote.material_id,
          quantity: quote.quantity,
          unitPriceCents: price.unitPriceCents,
        },
        totalCents: price.totalCents,
        currency: price.currency,
        placedAt: o.placedAt.toISOString(),
      },
      { subject: o.id, version: 1 },
    );
  }

  /** Why a quote cannot be ordered, with the facts the customer can act on. */
  private async notOrderable(
    tx: Transaction<ShopDatabase>,
    quote: QuoteWithFile,
    status: Exclude<QuoteStatus, 'READY'>,
  ): Promise<OrderRefused> {
    const order = status === 'ACCEPTED' ? await this.orders.findByQuote(tx, quote.id) : undefined;
    return new OrderRefused({
      reason: 'quote-not-orderable',
      quoteId: quote.id,
      status,
      validUntil: quote.valid_until,
      failureReason: quote.failure_reason,
      orderId: order?.id ?? null,
    });
  }

  get(id: string, caller: Principal) {
    return this.getOwned(id, caller.role === 'admin' ? undefined : caller.userId);
  }

  /** The order of `ownerId` (a customer or a B2B organisation; undefined: anyone's), else 404. */
  async getOwned(id: string, ownerId: string | undefined) {
    const order = await this.orders.findOwned(id, ownerId);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    return { order, history: await this.orders.history(id) };
  }

  list(customerId: string) {
    return this.orders.listByCustomer(customerId, 100);
  }
}
