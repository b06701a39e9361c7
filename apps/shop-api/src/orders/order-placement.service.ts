import { Inject, Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { MAX_ORDER_LINES, OrderPlacedV2, type EventData } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { AfterCommit, EventSink, UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import { PriceListsRepository } from '../price-lists/price-lists.repository';
import { QuoteMetrics } from '../quotes/quote-metrics';
import { QuoteNotifier } from '../quotes/quote-notifier';
import { QuotesRepository, type QuoteWithFile } from '../quotes/quotes.repository';
import type { ShopDatabase } from '../shop.database';
import { CartRepository } from './cart/cart.repository';
import { OrderRefused } from './order.errors';
import { OrderLinesRepository, type OrderLineRow } from './order-lines.repository';
import { priceOrder, type PricedOrder } from './order-pricing';
import { OrderQuotes } from './order-quotes';
import {
  OrdersRepository,
  type HistoryRow,
  type NewOrder,
  type OrderRow,
} from './orders.repository';

/** Who orders: a B2C customer, or a B2B organisation through an API key (see QuoteOrigin). */
export type OrderOrigin =
  | { channel: 'B2C' }
  | {
      channel: 'B2B';
      /**
       * Runs once every quote is found orderable, inside the transaction just before the order
       * is written (the daily quota); throwing refuses it with nothing written.
       */
      admit?: () => Promise<void>;
    };

/** What to order: the quotes named (a B2B order, `POST /orders`), or the customer's cart. */
export type OrderSource = { quoteIds: readonly string[] } | 'cart';

export interface PlacedOrder {
  order: OrderRow;
  lines: OrderLineRow[];
  history: HistoryRow[];
}

const B2C: OrderOrigin = { channel: 'B2C' };

/**
 * Places orders of 1 to MAX_ORDER_LINES READY quotes of one customer. The order, its lines, the
 * quotes' move to ACCEPTED, their removal from the cart and `OrderPlaced` (v2) commit in one
 * transaction with the quotes locked, so a quote is ordered at most once (which is also why a
 * retry can never make a second order; replaying it is the idempotency interceptor's).
 */
@Injectable()
export class OrderPlacement {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly quotes: QuotesRepository,
    private readonly orderQuotes: OrderQuotes,
    private readonly cart: CartRepository,
    private readonly priceLists: PriceListsRepository,
    private readonly notifier: QuoteNotifier,
    private readonly quoteMetrics: QuoteMetrics,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<ShopDatabase>,
  ) {}

  async place(
    customerId: string,
    source: OrderSource,
    origin: OrderOrigin = B2C,
  ): Promise<PlacedOrder> {
    if (source !== 'cart') checkLines(source.quoteIds);
    const id = uuidv7();
    annotateContext('order_id', id);
    const placedAt = new Date();
    let refusal: OrderRefused | undefined;
    const placed = await this.uow.run(async (tx, events, afterCommit) => {
      const quoteIds =
        source === 'cart' ? await this.cart.lockItems(tx, customerId) : source.quoteIds;
      if (source === 'cart') checkLines(quoteIds);
      if (quoteIds.length === 1) annotateContext('quote_id', quoteIds[0]!);
      const checked = await this.orderQuotes.orderable(tx, customerId, quoteIds, afterCommit);
      if (checked instanceof OrderRefused) {
        // Expired since the last sweep: recorded, and refused once that is committed.
        refusal = checked;
        return undefined;
      }
      if (origin.channel === 'B2B') await origin.admit?.();
      const order = { id, customerId, placedAt, channel: origin.channel };
      const result = await this.write(tx, events, checked, order);
      this.accepted(afterCommit, checked);
      return result;
    });
    if (refusal) throw refusal;
    return placed!;
  }

  /** The order with its lines at the quotes' prices, the quotes ACCEPTED, and `OrderPlaced`. */
  private async write(
    tx: Transaction<ShopDatabase>,
    events: EventSink,
    quotes: readonly QuoteWithFile[],
    o: { id: string; customerId: string; placedAt: Date; channel: OrderOrigin['channel'] },
  ): Promise<PlacedOrder> {
    const priceList = await this.priceLists.current(tx);
    const priced = priceOrder(
      quotes.map((q) => ({ quantity: q.quantity, price: q.price! })),
      priceList && priceList.currency === quotes[0]!.price!.currency
        ? priceList.minimum_order_cents
        : null,
    );
    const { row, order, lines } = orderRows(o, quotes, priced);
    await this.orders.insert(tx, row, o.placedAt);
    await this.lines.insert(tx, lines);
    const quoteIds = quotes.map((q) => q.id);
    await this.quotes.setStatus(tx, quoteIds, 'ACCEPTED');
    if (o.channel === 'B2C') await this.cart.removeQuotes(tx, o.customerId, quoteIds);
    await events.emit(OrderPlacedV2, placedEvent(order, lines), { subject: o.id, version: 1 });
    const history = [{ status: order.status, at: o.placedAt, source: 'shop', note: null }];
    return { order, lines, history };
  }

  private accepted(afterCommit: AfterCommit, quotes: readonly QuoteWithFile[]): void {
    afterCommit(() => {
      for (const q of quotes) this.notifier.changed(q.id);
      this.quoteMetrics.outcome('ACCEPTED', quotes.length);
    });
  }
}

/** The order and its lines as written: one line per quote, in the order given. */
function orderRows(
  o: { id: string; customerId: string; placedAt: Date; channel: OrderOrigin['channel'] },
  quotes: readonly QuoteWithFile[],
  priced: PricedOrder,
): { row: NewOrder; order: OrderRow; lines: OrderLineRow[] } {
  const row = {
    id: o.id,
    customer_id: o.customerId,
    subtotal_cents: priced.subtotalCents,
    minimum_order_surcharge_cents: priced.minimumOrderSurchargeCents,
    total_cents: priced.totalCents,
    currency: quotes[0]!.price!.currency,
    status: 'PLACED' as const,
    channel: o.channel,
    cancelled_by: null,
    cancellation_reason: null,
    cancelled_at: null,
  } satisfies NewOrder;
  const order: OrderRow = {
    ...row,
    crm_version: 0,
    work_order_version: 0,
    production_version: 0,
    placed_at: o.placedAt,
    updated_at: o.placedAt,
  };
  const lines: OrderLineRow[] = quotes.map((q, i) => ({
    id: uuidv7(),
    order_id: o.id,
    line_no: i + 1,
    quote_id: q.id,
    sku: null,
    name: q.filename,
    material: q.material_id,
    quantity: q.quantity,
    unit_price_cents: priced.lines[i]!.unitPriceCents,
    total_cents: priced.lines[i]!.totalCents,
    status: 'PENDING',
    line_version: 0,
    cancellation_outcome: null,
  }));
  return { row, order, lines };
}

/** An order has 1 to MAX_ORDER_LINES lines, each quote once. */
function checkLines(quoteIds: readonly string[]): void {
  if (quoteIds.length === 0) throw new OrderRefused({ reason: 'cart-empty' });
  if (quoteIds.length > MAX_ORDER_LINES)
    throw new OrderRefused({
      reason: 'too-many-lines',
      count: quoteIds.length,
      max: MAX_ORDER_LINES,
      cart: false,
    });
  const seen = new Set<string>();
  for (const quoteId of quoteIds) {
    if (seen.has(quoteId)) throw new OrderRefused({ reason: 'duplicate-quote', quoteId });
    seen.add(quoteId);
  }
}

function placedEvent(
  order: OrderRow,
  lines: readonly OrderLineRow[],
): EventData<typeof OrderPlacedV2> {
  return {
    orderId: order.id,
    customerId: order.customer_id,
    channel: order.channel,
    lines: lines.map((l) => ({
      lineId: l.id,
      lineNo: l.line_no,
      quoteId: l.quote_id!,
      name: l.name,
      material: l.material,
      quantity: l.quantity,
      unitPriceCents: l.unit_price_cents,
      totalCents: l.total_cents,
    })),
    subtotalCents: order.subtotal_cents,
    minimumOrderSurchargeCents: order.minimum_order_surcharge_cents,
    totalCents: order.total_cents,
    currency: order.currency,
    placedAt: order.placed_at.toISOString(),
  };
}
