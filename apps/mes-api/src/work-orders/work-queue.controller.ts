import { Controller, Get, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  WorkOrderCounts,
  WorkOrderCountsQuery,
  WorkOrderList,
  WorkOrderListQuery,
  WorkQueueFilterOptions,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { WorkOrderLiveHub } from './work-order-live.hub';
import { WorkQueueService } from './work-queue.service';

/** Sends JSON text as it is: cached pages are stored as the bytes they are answered with. */
async function json(reply: FastifyReply, text: Promise<string>): Promise<string> {
  const body = await text;
  void reply.header('content-type', 'application/json; charset=utf-8');
  return body;
}

/** The operators' work queue: lists, counts, filter values and live updates. */
@ApiTags('work-queue')
@Controller('work-orders')
@Roles('operator')
export class WorkQueueController {
  constructor(
    private readonly queue: WorkQueueService,
    private readonly hub: WorkOrderLiveHub,
  ) {}

  @Get()
  @Endpoint({
    summary:
      'Work queue: rush first, then by due date; filtered, keyset-paginated (nextCursor), cached',
    query: WorkOrderListQuery,
    responses: { 200: WorkOrderList },
  })
  list(
    @Query() q: z.output<typeof WorkOrderListQuery>,
    @CurrentUser() user: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return json(reply, this.queue.list(q, user));
  }

  @Get('counts')
  @Endpoint({
    summary: 'Work orders per status under the same filters as the list',
    query: WorkOrderCountsQuery,
    responses: { 200: WorkOrderCounts },
  })
  counts(
    @Query() q: z.output<typeof WorkOrderCountsQuery>,
    @CurrentUser() user: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return json(reply, this.queue.counts(q, user));
  }

  @Get('filters')
  @Endpoint({
    summary: 'The values the work queue can be filtered by: statuses, machines, materials',
    responses: { 200: WorkQueueFilterOptions },
  })
  filters() {
    return this.queue.filterOptions();
  }

  @Get('stream')
  @ApiProduces('text/event-stream')
  @Endpoint({
    summary:
      'Live updates (server-sent events): a `work-order` event for every change, made through any instance',
    responses: { 200: null },
    problems: [503],
  })
  stream(@Res() reply: FastifyReply): void {
    if (!this.hub.accepting) throw new ServiceUnavailableException('shutting down; reconnect');
    // The stream outlives the handler: Fastify leaves the response to the hub.
    reply.hijack();
    this.hub.open(reply.raw);
  }
}
