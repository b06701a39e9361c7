import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  IdParam,
  PlaceOrderRequest,
  ShopCancelOrderRequest,
  ShopOrderList,
  ShopOrderView,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { QUOTE_ROUTES } from '../quotes/quotes.controller';
import { toOrderSummary, toOrderView } from './order.mapper';
import { cancellationProblem, orderProblem, type OrderRoutes } from './order.problems';
import { OrderCancellation } from './order-cancellation.service';
import { OrderPlacement } from './order-placement.service';
import { OrdersService } from './orders.service';

/** The B2C API's routes, in its problems about orders and the cart. */
export const ORDER_ROUTES: OrderRoutes = { ...QUOTE_ROUTES, cartItems: '/cart/items' };

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly placement: OrderPlacement,
    private readonly cancellation: OrderCancellation,
  ) {}

  @Post()
  @Roles('customer')
  @Idempotent()
  @Endpoint({
    summary:
      'Order one of my READY quotes as a one-line order (its model, material, quantity and price); the quote becomes ACCEPTED. Several quotes: the cart (POST /cart/checkout)',
    body: PlaceOrderRequest,
    responses: { 201: ShopOrderView },
    problems: [404, 409, 422],
  })
  async place(
    @CurrentUser() user: Principal,
    @Body() body: z.output<typeof PlaceOrderRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const placed = await this.placement
      .place(user.userId, { quoteIds: [body.quoteId] })
      .catch((err: unknown) => {
        throw orderProblem(err, ORDER_ROUTES);
      });
    void reply.header('location', `/orders/${placed.order.id}`);
    return toOrderView(placed);
  }

  @Get()
  @Roles('customer')
  @Endpoint({
    summary: 'My orders, newest first, each with its lines',
    responses: { 200: ShopOrderList },
  })
  async list(@CurrentUser() user: Principal) {
    const orders = await this.orders.list(user.userId);
    return { items: orders.map((o) => toOrderSummary(o.order, o.lines)) };
  }

  @Get(':id')
  @Roles('customer')
  @Endpoint({
    summary:
      'One of my orders: its lines with their status in production, the totals, and every step of its history',
    params: IdParam,
    responses: { 200: ShopOrderView },
    problems: [404],
  })
  async get(@CurrentUser() user: Principal, @Param() params: z.output<typeof IdParam>) {
    return toOrderView(await this.orders.get(params.id, user));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('customer')
  @Idempotent()
  @Endpoint({
    summary:
      'Cancel my whole order while production has not started on any line (PLACED, AWAITING_CONFIRMATION or CONFIRMED, every line PENDING); its quotes become READY again while valid (else EXPIRED). 409 once a line is in production, or the order is shipped or cancelled',
    params: IdParam,
    body: ShopCancelOrderRequest,
    responses: { 200: ShopOrderView },
    problems: [404, 409],
  })
  async cancel(
    @CurrentUser() user: Principal,
    @Param() params: z.output<typeof IdParam>,
    @Body() body: z.output<typeof ShopCancelOrderRequest>,
  ) {
    await this.cancellation
      .cancel(params.id, user.userId, body.reason ?? null)
      .catch((err: unknown) => {
        throw cancellationProblem(err);
      });
    return toOrderView(await this.orders.getOwned(params.id, user.userId));
  }
}
