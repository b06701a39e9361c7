import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  ORDER_LINE_TRANSITIONS,
  orderStatusFromLines,
  shouldProjectOrderStatus,
  type EventData,
  type OrderCancellationApplied,
  type OrderStatus,
  type WorkOrderStatusChangedV2,
} from '@fabflow/contracts';
import { PermanentError, type HandlerContext } from '@fabflow/messaging';
import type { SourceEvent } from '../notifications/notification-facts';
import type { ShopDatabase } from '../shop.database';
import {
  OrderLinesRepository,
  type OrderLineChange,
  type OrderLineRow,
} from './order-lines.repository';
import { OrderUpdates } from './order-updates';
import { OrdersRepository, type OrderRow } from './orders.repository';
import { QuoteRelease } from './quote-release';

type Applied = EventData<typeof OrderCancellationApplied>;

const OUTCOME_WORDS: Record<Applied['lines'][number]['outcome'], string> = {
  CANCELLED: 'cancelled',
  HELD_IN_PRODUCTION: 'held in production (already started: the part is scrapped or kept as stock)',
  ALREADY_SHIPPED: 'had already shipped',
  NOT_SCHEDULED: 'cancelled before production was scheduled',
};

/**
 * Production as the customer sees it, from the MES's derived statuses: a line's status applies
 * when its line version is newer than the one held, the order's when its order version is
 * (versions, not arrival, order the events of an order's several work orders) and the move is
 * forward or an allowed exit (`shouldProjectOrderStatus`; a cancelled order stays cancelled).
 * A line cancelled here stays cancelled: what production made of it comes with
 * `OrderCancellationApplied`, which records the outcome per line.
 */
@Injectable()
export class ProductionProjection {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly updates: OrderUpdates,
    private readonly release: QuoteRelease,
  ) {}

  async workOrderChanged(
    { tx, logger }: HandlerContext<ShopDatabase>,
    d: EventData<typeof WorkOrderStatusChangedV2>,
    event: SourceEvent,
  ): Promise<void> {
    const { order, lines } = await this.load(tx, d.orderId);
    const line = lines.find((l) => l.id === d.lineId);
    if (!line) throw new PermanentError(`line ${d.lineId} is not a line of order ${d.orderId}`);
    const lineNews = d.lineVersion > line.line_version;
    const orderNews = d.orderVersion > order.production_version;
    if (!lineNews && !orderNews) {
      logger.info(
        { lineVersion: d.lineVersion, orderVersion: d.orderVersion },
        'stale event ignored',
      );
      return;
    }
    const change: OrderLineChange = { line_version: Math.max(line.line_version, d.lineVersion) };
    if (lineNews && line.status !== 'CANCELLED') change.status = d.lineStatus;
    const target = orderNews ? d.orderStatus : undefined;
    await this.updates.commit(tx, {
      order,
      lines,
      ...(target && shouldProjectOrderStatus(order.status, target) ? { status: target } : {}),
      ...(orderNews ? { fields: { production_version: d.orderVersion } } : {}),
      lineChanges: new Map([[line.id, change]]),
      source: 'mes',
      note: lineNews
        ? `line ${line.line_no}: ${d.to}${d.holdReason ? ` (${d.holdReason})` : ''}`
        : null,
      event,
    });
  }

  /**
   * What production did with a cancellation, per line: recorded on the line. A line it found
   * already shipped is SHIPPED again (and the order follows its lines: a cancellation cannot
   * take back a parcel); a line it cancelled or holds is CANCELLED here too, whatever arrived first.
   */
  async cancellationApplied(
    { tx, afterCommit }: HandlerContext<ShopDatabase>,
    d: Applied,
    event: SourceEvent,
  ): Promise<void> {
    const { order, lines } = await this.load(tx, d.orderId);
    const changes = new Map<string, OrderLineChange>();
    for (const o of d.lines) {
      const line = lines.find((l) => l.id === o.lineId);
      if (!line) throw new PermanentError(`line ${o.lineId} is not a line of order ${d.orderId}`);
      changes.set(line.id, outcomeChange(line, o.outcome));
    }
    const after: OrderLineRow[] = lines.map((l) => ({ ...l, ...changes.get(l.id) }));
    const status = this.statusAfterCancellation(order, after, d);
    const cancelledNow = after.filter(
      (l, i) => l.status === 'CANCELLED' && lines[i]!.status !== 'CANCELLED',
    );
    const shippedAgain = after.filter(
      (l, i) => l.status === 'SHIPPED' && lines[i]!.status === 'CANCELLED',
    );
    await this.updates.commit(tx, {
      order,
      lines,
      ...(status ? { status } : {}),
      fields: {
        production_version: Math.max(order.production_version, d.orderVersion),
        ...(status === 'CANCELLED' && !order.cancelled_at
          ? { cancelled_by: d.source, cancelled_at: new Date(d.appliedAt) }
          : {}),
      },
      lineChanges: changes,
      source: 'mes',
      note: `production applied the cancellation: ${
        d.lines
          .map(
            (o) =>
              `line ${lines.find((l) => l.id === o.lineId)!.line_no} ${OUTCOME_WORDS[o.outcome]}`,
          )
          .join('; ') || 'no line to change'
      }`,
      event,
    });
    const quotes = (ls: OrderLineRow[]) => ls.flatMap((l) => (l.quote_id ? [l.quote_id] : []));
    await this.release.release(tx, quotes(cancelledNow), afterCommit);
    await this.release.reaccept(tx, quotes(shippedAgain), afterCommit);
  }

  /**
   * The order's status after a cancellation was applied: the MES's when its version is newer
   * and the move allowed, else CANCELLED once every line is. A cancelled order with a line found
   * shipped is not cancelled after all: it follows its lines (SHIPPED, PARTIALLY_SHIPPED).
   */
  private statusAfterCancellation(
    order: OrderRow,
    after: readonly OrderLineRow[],
    d: Applied,
  ): OrderStatus | undefined {
    const derived = orderStatusFromLines(after.map((l) => l.status));
    if (order.status === 'CANCELLED')
      return derived && derived !== 'CANCELLED' ? derived : undefined;
    if (d.orderVersion > order.production_version && d.orderStatus)
      if (shouldProjectOrderStatus(order.status, d.orderStatus)) return d.orderStatus;
    return derived === 'CANCELLED' && shouldProjectOrderStatus(order.status, derived)
      ? derived
      : undefined;
  }

  private async load(tx: Transaction<ShopDatabase>, orderId: string) {
    const order = await this.orders.lockForUpdate(tx, orderId);
    // The shop always writes its order before any event about it exists; retry, then DLQ.
    if (!order) throw new Error(`order ${orderId} not found in the shop`);
    return { order, lines: await this.lines.ofOrder(orderId, tx) };
  }
}

/** A line's change for production's outcome of its cancellation. */
function outcomeChange(
  line: OrderLineRow,
  outcome: Applied['lines'][number]['outcome'],
): OrderLineChange {
  if (outcome === 'ALREADY_SHIPPED')
    return {
      cancellation_outcome: outcome,
      ...(line.status === 'CANCELLED' ? { status: 'SHIPPED' as const } : {}),
    };
  const cancels =
    line.status !== 'CANCELLED' && ORDER_LINE_TRANSITIONS[line.status].includes('CANCELLED');
  return { cancellation_outcome: outcome, ...(cancels ? { status: 'CANCELLED' as const } : {}) };
}
