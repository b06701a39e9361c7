import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import { Notifications } from '../notifications/notifications';
import type { SourceEvent } from '../notifications/notification-facts';
import type { ShopDatabase } from '../shop.database';
import {
  OrderLinesRepository,
  type OrderLineChange,
  type OrderLineRow,
} from './order-lines.repository';
import { OrdersRepository, type OrderChange, type OrderRow } from './orders.repository';

/** A decided change of one locked order and its lines, as a projection or a command made it. */
export interface OrderUpdate {
  /** The order and its lines as they were read (locked) in this transaction. */
  order: OrderRow;
  lines: readonly OrderLineRow[];
  /** The order's new status, when it moves. */
  status?: OrderStatus;
  /** Other order columns: versions seen, the cancellation. */
  fields?: OrderChange;
  /** Changes of lines, by line id. */
  lineChanges?: ReadonlyMap<string, OrderLineChange>;
  /** Who made it and what the history says; a history row is written when anything moved or a note is given. */
  source: string;
  note: string | null;
  /** The event that caused it (its id makes the notification's own), or the command's event. */
  event: SourceEvent;
}

/**
 * Writes an order update: the order row, its lines, one history row (the order's status after
 * it, with the note), and — when the order or one of its lines visibly moved — the
 * notifications, in the same transaction. The one place these are written together, so the
 * history and the B2B `order.status_changed` webhook tell every step alike.
 */
@Injectable()
export class OrderUpdates {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly notifications: Notifications,
  ) {}

  /** Whether anything visible moved (the order's status, a line's status or outcome). */
  async commit(tx: Transaction<ShopDatabase>, u: OrderUpdate): Promise<boolean> {
    const moved = u.status !== undefined && u.status !== u.order.status;
    const status = moved ? u.status! : u.order.status;
    if (moved || u.fields)
      await this.orders.update(tx, u.order.id, { ...u.fields, ...(moved ? { status } : {}) });
    const after = await this.applyLines(tx, u);
    const linesMoved = after.some((l, i) => {
      const before = u.lines[i]!;
      return l.status !== before.status || l.cancellation_outcome !== before.cancellation_outcome;
    });
    if (!moved && !linesMoved && !u.note) return false;
    await this.orders.addHistory(tx, {
      orderId: u.order.id,
      status,
      source: u.source,
      note: u.note,
      eventId: u.event.id,
    });
    if (moved || linesMoved)
      await this.notifications.orderStatusChanged(
        tx,
        { ...u.order, lines: after },
        { from: u.order.status, to: status },
        u.event,
      );
    return moved || linesMoved;
  }

  private async applyLines(tx: Transaction<ShopDatabase>, u: OrderUpdate): Promise<OrderLineRow[]> {
    const after: OrderLineRow[] = [];
    for (const line of u.lines) {
      const change = u.lineChanges?.get(line.id);
      if (change) await this.lines.update(tx, line.id, change);
      after.push(change ? { ...line, ...change } : line);
    }
    return after;
  }
}
