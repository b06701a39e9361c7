import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  ORDER_LINE_TRANSITIONS,
  orderStatusFromLines,
  shouldProjectOrderStatus,
} from '@fabflow/contracts';
import type { AfterCommit } from '@fabflow/messaging';
import type { SourceEvent } from '../notifications/notification-facts';
import type { ShopDatabase } from '../shop.database';
import { OrderLinesRepository, type OrderLineChange } from './order-lines.repository';
import { OrderUpdates } from './order-updates';
import { OrdersRepository } from './orders.repository';
import { QuoteRelease } from './quote-release';

/** A manager's cancellation in the CRM: a rejection, or a cancellation of the order or some lines. */
export interface ManagerCancellation {
  orderId: string;
  /** The lines cancelled; null: every line not yet shipped. */
  lineIds: readonly string[] | null;
  reason: string;
  at: Date;
  /** The CRM order's version after it. */
  version: number;
  /** A rejection (before approval, the whole order) or a cancellation. */
  kind: 'rejected' | 'cancelled';
  event: SourceEvent;
}

const CANCELLED: OrderLineChange = { status: 'CANCELLED' };

/**
 * Applies a manager's cancellation (`OrderRejected`, `OrderCancelled`): the named lines (or every
 * line not shipped) CANCELLED, their quotes released, and the order CANCELLED once every line is
 * (else where its remaining lines put it: SHIPPED when all of them are). Cancelling lines only
 * ever adds cancelled lines, so two partial cancellations apply whatever order they arrive in;
 * the CRM version is kept (the greatest seen) so that an older status event is still ignored.
 */
@Injectable()
export class OrderCancelledProjection {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly updates: OrderUpdates,
    private readonly release: QuoteRelease,
  ) {}

  async apply(
    tx: Transaction<ShopDatabase>,
    c: ManagerCancellation,
    afterCommit: AfterCommit,
  ): Promise<void> {
    const order = await this.orders.lockForUpdate(tx, c.orderId);
    if (!order) throw new Error(`order ${c.orderId} not found in the shop`);
    const lines = await this.lines.ofOrder(c.orderId, tx);
    const named = c.lineIds ? new Set(c.lineIds) : undefined;
    const cancelled = lines.filter(
      (l) => (!named || named.has(l.id)) && ORDER_LINE_TRANSITIONS[l.status].includes('CANCELLED'),
    );
    const ids = new Set(cancelled.map((l) => l.id));
    const derived = orderStatusFromLines(
      lines.map((l) => (ids.has(l.id) ? 'CANCELLED' : l.status)),
    );
    const moves = derived !== undefined && shouldProjectOrderStatus(order.status, derived);
    const whole = moves && derived === 'CANCELLED';
    await this.updates.commit(tx, {
      order,
      lines,
      ...(moves ? { status: derived } : {}),
      fields: {
        crm_version: Math.max(order.crm_version, c.version),
        ...(whole
          ? { cancelled_by: 'MANAGER', cancellation_reason: c.reason, cancelled_at: c.at }
          : {}),
      },
      lineChanges: new Map(cancelled.map((l) => [l.id, CANCELLED])),
      source: 'crm',
      note: note(c, cancelled),
      event: c.event,
    });
    const quoteIds = cancelled.flatMap((l) => (l.quote_id ? [l.quote_id] : []));
    await this.release.release(tx, quoteIds, afterCommit);
  }
}

/** The history's words: a rejection's reason as the manager gave it; which lines a cancellation took. */
function note(c: ManagerCancellation, cancelled: ReadonlyArray<{ line_no: number }>): string {
  if (c.kind === 'rejected') return c.reason;
  if (!c.lineIds) return `cancelled by a manager: ${c.reason}`;
  if (cancelled.length === 0)
    return `a manager cancelled lines already shipped or cancelled: ${c.reason}`;
  const nos = cancelled.map((l) => l.line_no).join(', ');
  return `${cancelled.length === 1 ? 'line' : 'lines'} ${nos} cancelled by a manager: ${c.reason}`;
}
