import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  ApproveOrderRequest,
  CancelOrderRequest,
  CrmOrderList,
  CrmOrderListQuery,
  CrmOrderView,
  IdParam,
  OrderTimeline,
  RejectOrderRequest,
  StuckOrderList,
  StuckOrdersQuery,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { OrderCancellationService } from './order-cancellation.service';
import { OrdersService } from './orders.service';
import { StuckOrdersService } from './stuck-orders.service';

@ApiTags('orders')
@Controller('orders')
@Roles('manager')
export class OrdersController {
  constructor(
    private readonly service: OrdersService,
    private readonly cancellation: OrderCancellationService,
    private readonly stuckOrders: StuckOrdersService,
  ) {}

  @Get()
  @Endpoint({
    summary: 'Orders, newest first, optionally by status',
    query: CrmOrderListQuery,
    responses: { 200: CrmOrderList },
  })
  async list(@Query() q: z.output<typeof CrmOrderListQuery>) {
    return { items: await this.service.list(q.status, q.limit) };
  }

  @Get('stuck')
  @Endpoint({
    summary:
      'Orders unchanged for longer than the SLA of their status (STUCK_ORDER_SLA), oldest first',
    query: StuckOrdersQuery,
    responses: { 200: StuckOrderList },
  })
  async stuck(@Query() q: z.output<typeof StuckOrdersQuery>) {
    return { items: await this.stuckOrders.list(q.limit) };
  }

  @Get(':id')
  @Endpoint({
    summary: 'One order',
    params: IdParam,
    responses: { 200: CrmOrderView },
    problems: [404],
  })
  async get(@Param() p: z.output<typeof IdParam>) {
    return this.service.view(p.id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Endpoint({
    summary: 'Approve an order awaiting confirmation',
    params: IdParam,
    body: ApproveOrderRequest,
    responses: { 200: CrmOrderView },
    problems: [404, 409],
  })
  async approve(
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof ApproveOrderRequest>,
    @CurrentUser() user: Principal,
  ) {
    await this.service.approve(p.id, user.userId, body);
    return this.service.view(p.id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Endpoint({
    summary: 'Reject an order (the customer’s order is cancelled)',
    params: IdParam,
    body: RejectOrderRequest,
    responses: { 200: CrmOrderView },
    problems: [404, 409],
  })
  async reject(
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof RejectOrderRequest>,
    @CurrentUser() user: Principal,
  ) {
    await this.service.reject(p.id, user.userId, body.reason);
    return this.service.view(p.id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Endpoint({
    summary:
      'Cancel an order (every line not shipped yet) or some of its lines, up to shipping; the MES cancels or holds their work orders',
    params: IdParam,
    body: CancelOrderRequest,
    responses: { 200: CrmOrderView },
    problems: [404, 409, 422],
  })
  async cancel(
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof CancelOrderRequest>,
    @CurrentUser() user: Principal,
  ) {
    await this.cancellation.cancelByManager(p.id, user.userId, body);
    return this.service.view(p.id);
  }

  @Get(':id/timeline')
  @Endpoint({
    summary: 'Every event of the order: where it is and why',
    params: IdParam,
    responses: { 200: OrderTimeline },
    problems: [404],
  })
  async timeline(@Param() p: z.output<typeof IdParam>) {
    const entries = await this.service.timelineOf(p.id);
    return {
      orderId: p.id,
      entries: entries.map((t) => ({
        eventId: t.event_id,
        type: t.type,
        source: t.source,
        occurredAt: t.occurred_at.toISOString(),
        recordedAt: t.recorded_at.toISOString(),
        correlationId: t.correlation_id,
        traceparent: t.traceparent,
        data: t.data,
      })),
    };
  }
}
