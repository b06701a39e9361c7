import { Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@fabflow/auth';
import { OrderLinesRepository, type OrderLineRow } from './order-lines.repository';
import { OrdersRepository, type HistoryRow, type OrderRow } from './orders.repository';

/** An order as the views show it: with its lines and, for one order, its history. */
export interface OrderDetails {
  order: OrderRow;
  lines: OrderLineRow[];
  history: HistoryRow[];
}

/** Reads of orders (customers' and organisations'); placing and cancelling are elsewhere. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
  ) {}

  get(id: string, caller: Principal): Promise<OrderDetails> {
    return this.getOwned(id, caller.role === 'admin' ? undefined : caller.userId);
  }

  /** The order of `ownerId` (a customer or a B2B organisation; undefined: anyone's), else 404. */
  async getOwned(id: string, ownerId: string | undefined): Promise<OrderDetails> {
    const order = await this.orders.findOwned(id, ownerId);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    const [lines, history] = await Promise.all([this.lines.ofOrder(id), this.orders.history(id)]);
    return { order, lines, history };
  }

  /** The latest 100 orders of a customer or organisation, each with its lines. */
  async list(ownerId: string): Promise<Array<Omit<OrderDetails, 'history'>>> {
    const orders = await this.orders.listByCustomer(ownerId, 100);
    const lines = await this.lines.ofOrders(orders.map((o) => o.id));
    return orders.map((order) => ({ order, lines: lines.get(order.id) ?? [] }));
  }
}
