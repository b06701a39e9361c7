import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import { AddCartItemRequest, CartView, QuoteIdParam, ShopOrderView } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { toOrderView } from '../order.mapper';
import { orderProblem } from '../order.problems';
import { ORDER_ROUTES } from '../orders.controller';
import { toCartView } from './cart.mapper';
import { CartService } from './cart.service';

const refused = (err: unknown): never => {
  throw orderProblem(err, ORDER_ROUTES);
};

@ApiTags('cart')
@Controller('cart')
@Roles('customer')
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Get()
  @Endpoint({
    summary:
      'My cart: each quote with its status now (only READY ones can be checked out), and the subtotal, minimum-order surcharge and total a checkout would charge',
    responses: { 200: CartView },
  })
  async get(@CurrentUser() user: Principal) {
    return toCartView(await this.cart.contents(user.userId));
  }

  @Post('items')
  @HttpCode(200)
  @Endpoint({
    summary: `Put one of my READY quotes in the cart (404 for a quote not mine, 409 saying what to do when it is not READY or the cart is full); adding a quote already in the cart changes nothing`,
    body: AddCartItemRequest,
    responses: { 200: CartView },
    problems: [404, 409],
  })
  async add(@CurrentUser() user: Principal, @Body() body: z.output<typeof AddCartItemRequest>) {
    await this.cart.add(user.userId, body.quoteId).catch(refused);
    return toCartView(await this.cart.contents(user.userId));
  }

  @Delete('items/:quoteId')
  @Endpoint({
    summary: 'Take a quote out of my cart (404 when it is not in it)',
    params: QuoteIdParam,
    responses: { 200: CartView },
    problems: [404],
  })
  async remove(@CurrentUser() user: Principal, @Param() p: z.output<typeof QuoteIdParam>) {
    await this.cart.remove(user.userId, p.quoteId).catch(refused);
    return toCartView(await this.cart.contents(user.userId));
  }

  @Post('checkout')
  @Idempotent()
  @Endpoint({
    summary:
      'Order everything in my cart as one order (one line per quote); the quotes become ACCEPTED and the cart is emptied in the same transaction. Each item is checked again: 409 naming a quote that expired, failed or was ordered meanwhile, 409 for an empty cart, 422 for quotes in different currencies',
    responses: { 201: ShopOrderView },
    problems: [404, 409, 422],
  })
  async checkout(@CurrentUser() user: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const placed = await this.cart.checkout(user.userId).catch(refused);
    void reply.header('location', `/orders/${placed.order.id}`);
    return toOrderView(placed);
  }
}
