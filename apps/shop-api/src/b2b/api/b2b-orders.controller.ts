import { Body, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import {
  B2bPlaceOrderRequest,
  IdParam,
  ShopCancelOrderRequest,
  ShopOrderList,
  ShopOrderView,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toOrderSummary, toOrderView } from '../../orders/order.mapper';
import { cancellationProblem, orderProblem } from '../../orders/order.problems';
import { OrderCancellation } from '../../orders/order-cancellation.service';
import { OrderPlacement } from '../../orders/order-placement.service';
import { OrdersService } from '../../orders/orders.service';
import {
  B2bController,
  CurrentApiKey,
  RequireScope,
  type B2bPrincipal,
} from '../keys/b2b-principal';
import { B2B_QUOTE_ROUTES } from './b2b-quotes.controller';
import { B2bQuotas } from './b2b-quotas';
import {
  CANCELLED_ORDER_EXAMPLE,
  ORDER_EXAMPLE,
  PARTIALLY_SHIPPED_ORDER_EXAMPLE,
  QUOTE_ID,
} from './b2b-examples';

/** Orders of the organisation: placed with their lines (or by accepting a quote), and cancelled. */
@B2bController('orders')
export class B2bOrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly placement: OrderPlacement,
    private readonly cancellation: OrderCancellation,
    private readonly quotas: B2bQuotas,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('orders:write')
  @Endpoint({
    summary:
      'Place one order of 1 to 50 READY quotes (one line each, each quote once, one currency): the quotes become ACCEPTED; 409 naming a quote that is not READY, 422 for more than 50 lines, a quote named twice or mixed currencies; counts once against the daily order quota (Idempotency-Key required)',
    body: B2bPlaceOrderRequest,
    responses: { 201: ShopOrderView },
    problems: [404, 409, 413, 422, 429],
    example: {
      lines: [{ quoteId: QUOTE_ID }, { quoteId: '0193a5c3-4c00-7000-8000-0000000c0de2' }],
    },
    responseExamples: { 201: ORDER_EXAMPLE },
  })
  async place(
    @CurrentApiKey() p: B2bPrincipal,
    @Body() body: z.output<typeof B2bPlaceOrderRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const origin = { channel: 'B2B' as const, admit: () => this.quotas.take(p, 'orders', reply) };
    const placed = await this.placement
      .place(p.organisation.id, { quoteIds: body.lines.map((l) => l.quoteId) }, origin)
      .catch((err: unknown) => {
        throw orderProblem(err, B2B_QUOTE_ROUTES);
      });
    void reply.header('location', `/b2b/v1/orders/${placed.order.id}`);
    return toOrderView(placed);
  }

  @Get()
  @Endpoint({
    summary: "The organisation's orders, newest first (the latest 100), each with its lines",
    responses: { 200: ShopOrderList },
    problems: [429],
    responseExamples: {
      200: { items: [{ ...ORDER_EXAMPLE, history: undefined, status: 'CONFIRMED' }] },
    },
  })
  async list(@CurrentApiKey() p: B2bPrincipal) {
    const orders = await this.orders.list(p.organisation.id);
    return { items: orders.map((o) => toOrderSummary(o.order, o.lines)) };
  }

  @Get(':id')
  @Endpoint({
    summary:
      'One order: its lines with their status in production, the totals and its status history (every change of the order or a line is also an order.status_changed webhook)',
    params: IdParam,
    responses: { 200: ShopOrderView },
    problems: [404, 429],
    responseExamples: { 200: PARTIALLY_SHIPPED_ORDER_EXAMPLE },
  })
  async get(@CurrentApiKey() p: B2bPrincipal, @Param() params: z.output<typeof IdParam>) {
    return toOrderView(await this.orders.getOwned(params.id, p.organisation.id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('orders:write')
  @Endpoint({
    summary:
      "Cancel the organisation's whole order while production has not started on any line (PLACED, AWAITING_CONFIRMATION or CONFIRMED, every line PENDING); its quotes become READY again while valid (else EXPIRED). 409 once a line is in production, or the order is shipped or cancelled (Idempotency-Key required)",
    params: IdParam,
    body: ShopCancelOrderRequest,
    responses: { 200: ShopOrderView },
    problems: [404, 409, 413, 429],
    example: { reason: 'the assembly was redesigned' },
    responseExamples: { 200: CANCELLED_ORDER_EXAMPLE },
  })
  async cancel(
    @CurrentApiKey() p: B2bPrincipal,
    @Param() params: z.output<typeof IdParam>,
    @Body() body: z.output<typeof ShopCancelOrderRequest>,
  ) {
    await this.cancellation
      .cancel(params.id, p.organisation.id, body.reason ?? null)
      .catch((err: unknown) => {
        throw cancellationProblem(err);
      });
    return toOrderView(await this.orders.getOwned(params.id, p.organisation.id));
  }
}
