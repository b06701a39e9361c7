import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import { IdParam, PlaceOrderRequest, ShopOrderList, ShopOrderView } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { QUOTE_ROUTES } from '../quotes/quotes.controller';
import { toOrderSummary, toOrderView } from './order.mapper';
import { orderProblem } from './order.problems';
import { OrdersService } from './orders.service';

const refused = (err: unknown): never => {
  throw orderProblem(err, QUOTE_ROUTES);
};

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Roles('customer')
  @Idempotent()
  @Endpoint({
    summary:
      'Order one of my READY quotes (its model, material, quantity and price); the quote becomes ACCEPTED',
    body: PlaceOrderRequest,
    responses: { 201: ShopOrderView },
    problems: [404, 409, 422],
  })
  async place(
    @CurrentUser() user: Principal,
    @Body() body: z.output<typeof PlaceOrderRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { order, history } = await this.orders.place(user.userId, body).catch(refused);
    void reply.header('location', `/orders/${order.id}`);
    return toOrderView(order, history);
  }

  @Get()
  @Roles('customer')
  @Endpoint({ summary: 'My orders, newest first', responses: { 200: ShopOrderList } })
  async list(@CurrentUser() user: Principal) {
    return { items: (await this.orders.list(user.userId)).map(toOrderSummary) };
  }

  @Get(':id')
  @Roles('customer')
  @Endpoint({
    summary: 'One of my orders with its status history',
    params: IdParam,
    responses: { 200: ShopOrderView },
    problems: [404],
  })
  async get(@CurrentUser() user: Principal, @Param() params: z.output<typeof IdParam>) {
    const { order, history } = await this.orders.get(params.id, user);
    return toOrderView(order, history);
  }
}
