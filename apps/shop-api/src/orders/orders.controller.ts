import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import { IdParam, PlaceOrderRequest, ShopOrderList, ShopOrderView } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toOrderSummary, toOrderView } from './order.mapper';
import { OrdersService } from './orders.service';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Roles('customer')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key return the first order.',
  })
  @Endpoint({
    summary:
      'Order one of my READY quotes (its model, material, quantity and price); the quote becomes ACCEPTED',
    body: PlaceOrderRequest,
    responses: { 201: ShopOrderView, 200: ShopOrderView },
    problems: [404, 409, 422],
  })
  async place(
    @CurrentUser() user: Principal,
    @Body() body: z.output<typeof PlaceOrderRequest>,
    @Headers('idempotency-key') key: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new BadRequestException(
        'Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -',
      );
    }
    const { order, history, replayed } = await this.orders.place(user.userId, body, key);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    await reply
      .status(replayed ? 200 : 201)
      .header('location', `/orders/${order.id}`)
      .send(toOrderView(order, history));
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
