import { Get, Param } from '@nestjs/common';
import type { z } from 'zod';
import { IdParam, ShopOrderList, ShopOrderView } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toOrderSummary, toOrderView } from '../../orders/order.mapper';
import { OrdersService } from '../../orders/orders.service';
import { B2bController, CurrentApiKey, type B2bPrincipal } from '../keys/b2b-principal';
import { ORDER_EXAMPLE } from './b2b-examples';

/** Orders of the organisation (placed by accepting quotes) and their status. */
@B2bController('orders')
export class B2bOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @Endpoint({
    summary: "The organisation's orders, newest first (the latest 100)",
    responses: { 200: ShopOrderList },
    problems: [429],
    responseExamples: {
      200: { items: [{ ...ORDER_EXAMPLE, history: undefined, status: 'CONFIRMED' }] },
    },
  })
  async list(@CurrentApiKey() p: B2bPrincipal) {
    return { items: (await this.orders.list(p.organisation.id)).map(toOrderSummary) };
  }

  @Get(':id')
  @Endpoint({
    summary:
      'One order with its status history (every change is also an order.status_changed webhook)',
    params: IdParam,
    responses: { 200: ShopOrderView },
    problems: [404, 429],
    responseExamples: { 200: ORDER_EXAMPLE },
  })
  async get(@CurrentApiKey() p: B2bPrincipal, @Param() params: z.output<typeof IdParam>) {
    const { order, history } = await this.orders.getOwned(params.id, p.organisation.id);
    return toOrderView(order, history);
  }
}
