import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  IdParam,
  TransitionRequest,
  WorkOrderDetail,
  WorkOrderList,
  WorkOrderListQuery,
  WorkOrderView,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toWorkOrderView } from './work-order.mapper';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';

@ApiTags('work-orders')
@Controller('work-orders')
@Roles('operator')
export class WorkOrdersController {
  constructor(
    private readonly service: WorkOrdersService,
    private readonly workOrders: WorkOrdersRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: 'Work queue: rush first, then by due date',
    query: WorkOrderListQuery,
    responses: { 200: WorkOrderList },
  })
  async list(@Query() q: z.output<typeof WorkOrderListQuery>, @CurrentUser() user: Principal) {
    const assigneeId =
      q.assignee === 'me' ? user.userId : q.assignee === 'unassigned' ? null : undefined;
    const rows = await this.workOrders.list({
      status: q.status,
      assigneeId,
      orderId: q.orderId,
      limit: q.limit,
    });
    return { items: rows.map(toWorkOrderView) };
  }

  @Get(':id')
  @Endpoint({
    summary: 'A work order with its status history',
    params: IdParam,
    responses: { 200: WorkOrderDetail },
    problems: [404],
  })
  async get(@Param() p: z.output<typeof IdParam>) {
    const wo = await this.service.get(p.id);
    const history = await this.workOrders.history(p.id);
    return {
      ...toWorkOrderView(wo),
      history: history.map((h) => ({
        from: h.from_status,
        to: h.to_status,
        changedBy: h.changed_by,
        reason: h.reason,
        at: h.at.toISOString(),
      })),
    };
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Endpoint({
    summary: 'Take a work order (exactly one of racing operators wins)',
    params: IdParam,
    responses: { 200: WorkOrderView },
    problems: [404, 409],
  })
  async claim(@Param() p: z.output<typeof IdParam>, @CurrentUser() user: Principal) {
    return toWorkOrderView(await this.service.claim(p.id, user));
  }

  @Post(':id/release')
  @HttpCode(200)
  @Endpoint({
    summary: 'Give a work order back to the queue',
    params: IdParam,
    responses: { 200: WorkOrderView },
    problems: [404, 409],
  })
  async release(@Param() p: z.output<typeof IdParam>, @CurrentUser() user: Principal) {
    return toWorkOrderView(await this.service.release(p.id, user));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Endpoint({
    summary: 'Move a work order to its next state',
    params: IdParam,
    body: TransitionRequest,
    responses: { 200: WorkOrderView },
    problems: [404, 409],
  })
  async transition(
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof TransitionRequest>,
    @CurrentUser() user: Principal,
  ) {
    return toWorkOrderView(await this.service.transition(p.id, user, body));
  }
}
