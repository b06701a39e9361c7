import { createHash } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { Principal } from '@fabflow/auth';
import { OrderPlaced, type QuoteStatus } from '@fabflow/contracts';
import { isUniqueViolation, uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import { QuoteMetrics } from '../quotes/quote-metrics';
import { QuoteNotifier } from '../quotes/quote-notifier';
import { effectiveStatus } from '../quotes/quote.mapper';
import { QuotesRepository, type QuoteWithFile } from '../quotes/quotes.repository';
import type { ShopDatabase } from '../shop.database';
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
  replayed: boolean;
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
   * one transaction, with the quote locked, so a quote is ordered at most once. With an
   * Idempotency-Key, a retry of the same request returns the first order; the same key with
   * another body is refused.
   */
  async place(
    customerId: string,
    input: { quoteId: string },
    idempotencyKey?: string,
    origin: OrderOrigin = B2C,
  ): Promise<PlaceOrderResult> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([input.quoteId]))
      .digest('hex');
    if (idempotencyKey) {
      const existing = await this.orders.findByIdempotencyKey(customerId, idempotencyKey);
      if (existing) return this.replay(existing, requestHash);
    }
    const id = uuidv7();
    annotateContext('order_id', id);
    annotateContext('quote_id', input.quoteId);
    const placedAt = new Date();
    let refusal: ConflictException | undefined;
    let placedMeanwhile: OrderRow | undefined;
    try {
      await this.uow.run(async (tx, events, afterCommit) => {
        const quote = await this.quotes.lock(tx, input.quoteId);
        if (!quote || quote.customer_id !== customerId)
          throw new NotFoundException(`quote ${input.quoteId} not found`);
        // A concurrent retry with the same key held the lock first: this is its replay.
        if (idempotencyKey) {
          placedMeanwhile = await this.orders.findByIdempotencyKey(customerId, idempotencyKey, tx);
          if (placedMeanwhile) return;
        }
        const status = effectiveStatus(quote, placedAt);
        if (status === 'EXPIRED' && quote.status !== 'EXPIRED') {
          // Expired since the last sweep: record it, and refuse once it is committed.
          await this.quotes.update(tx, quote.id, { status: 'EXPIRED' });
          afterCommit(() => {
            this.notifier.changed(quote.id);
            this.quoteMetrics.outcome('EXPIRED');
          });
          refusal = await this.notOrderable(tx, quote, status, origin);
          return;
        }
        if (status !== 'READY') throw await this.notOrderable(tx, quote, status, origin);
        if (origin.channel === 'B2B') await origin.admit?.();
        const price = quote.price!;
        await this.orders.insert(
          tx,
          {
            id,
            customer_id: customerId,
            quote_id: quote.id,
            sku: null,
            name: quote.filename,
            material: quote.material_id,
            quantity: quote.quantity,
            unit_price_cents: price.unitPriceCents,
            total_cents: price.totalCents,
            currency: price.currency,
            status: 'PLACED',
            idempotency_key: idempotencyKey ?? null,
            request_hash: idempotencyKey ? requestHash : null,
            channel: origin.channel,
          },
          placedAt,
        );
        await this.quotes.update(tx, quote.id, { status: 'ACCEPTED' });
        await events.emit(
          OrderPlaced,
          {
            orderId: id,
            customerId,
            item: {
              quoteId: quote.id,
              name: quote.filename,
              material: quote.material_id,
              quantity: quote.quantity,
              unitPriceCents: price.unitPriceCents,
            },
            totalCents: price.totalCents,
            currency: price.currency,
            placedAt: placedAt.toISOString(),
          },
          { subject: id, version: 1 },
        );
        afterCommit(() => {
          this.notifier.changed(quote.id);
          this.quoteMetrics.outcome('ACCEPTED');
        });
      });
    } catch (err) {
      // A concurrent request with the same key won the race: answer as its replay.
      if (idempotencyKey && isUniqueViolation(err, 'orders_idempotency_key')) {
        const existing = await this.orders.findByIdempotencyKey(customerId, idempotencyKey);
        if (existing) return this.replay(existing, requestHash);
      }
      throw err;
    }
    if (placedMeanwhile) return this.replay(placedMeanwhile, requestHash);
    if (refusal) throw refusal;
    const order = (await this.orders.findOwned(id, customerId))!;
    return { order, history: await this.orders.history(id), replayed: false };
  }

  /** Why a quote cannot be ordered, as a 409 the customer can act on. */
  private async notOrderable(
    tx: Transaction<ShopDatabase>,
    quote: QuoteWithFile,
    status: QuoteStatus,
    origin: OrderOrigin,
  ): Promise<ConflictException> {
    const q = `quote ${quote.id}`;
    const quotes = origin.channel === 'B2B' ? '/b2b/v1/quotes' : '/quotes';
    switch (status) {
      case 'DRAFT':
      case 'CALCULATING':
        return new ConflictException(
          `${q} is still being calculated: order it once it is READY (GET ${quotes}/${quote.id})`,
        );
      case 'NEEDS_REVIEW':
        return new ConflictException(
          `${q} needs a review by our staff before it can be ordered; it becomes READY once reviewed`,
        );
      case 'FAILED':
        return new ConflictException(
          `${q} failed and cannot be ordered: ${quote.failure_reason ?? 'no price could be made'}`,
        );
      case 'ACCEPTED': {
        const order = await this.orders.findByQuote(tx, quote.id);
        return new ConflictException(
          `${q} was already ordered${order ? ` (order ${order.id})` : ''}; a quote is ordered once`,
        );
      }
      case 'EXPIRED':
        return new ConflictException(
          `${q} expired at ${quote.valid_until?.toISOString() ?? 'its validity end'}: ask for a new quote (POST ${quotes})`,
        );
      case 'READY':
        return new ConflictException(`${q} is READY`);
    }
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

  private async replay(existing: OrderRow, requestHash: string): Promise<PlaceOrderResult> {
    if (existing.request_hash !== requestHash) {
      throw new UnprocessableEntityException(
        'this Idempotency-Key was already used with a different request body',
      );
    }
    return { order: existing, history: await this.orders.history(existing.id), replayed: true };
  }
}
