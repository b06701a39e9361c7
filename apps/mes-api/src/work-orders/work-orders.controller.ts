import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  IdParam,
  NoteRequest,
  QuantityReportRequest,
  TransitionRequest,
  WorkOrderDetail,
  WorkOrderNote,
  WorkOrderView,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { ProductionViews } from '../production/production-views';
import { toWorkOrderView } from './work-order.mapper';
import { WorkOrderPricingReader } from './work-order-pricing.reader';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';

const toNoteView = (n: { id: number; author_id: string; body: string; created_at: Date }) => ({
  id: n.id,
  authorId: n.author_id,
  body: n.body,
  createdAt: n.created_at.toISOString(),
});

/** One work order: its detail and what an operator does to it. */
@ApiTags('work-orders')
@Controller('work-orders')
@Roles('operator')
export class WorkOrdersController {
  constructor(
    private readonly service: WorkOrdersService,
    private readonly workOrders: WorkOrdersRepository,
    private readonly pricing: WorkOrderPricingReader,
    private readonly production: ProductionViews,
  ) {}

  @Get(':id')
  @Endpoint({
    summary:
      'A work order with its line (status, other work orders, live and scrapped quantities), status history, notes, reported quantities, machine, model and quote',
    params: IdParam,
    responses: { 200: WorkOrderDetail },
    problems: [404],
  })
  async get(@Param() p: z.output<typeof IdParam>): Promise<z.infer<typeof WorkOrderDetail>> {
    const wo = await this.service.get(p.id);
    const [line, history, notes, reports, machine, pricing] = await Promise.all([
      this.production.line(wo.line_id),
      this.workOrders.history(p.id),
      this.workOrders.notes(p.id),
      this.workOrders.quantityReports(p.id),
      wo.machine_id ? this.workOrders.machine(wo.machine_id) : undefined,
      this.pricing.read({ id: wo.id, quoteId: wo.quote_id }),
    ]);
    if (!line) throw new Error(`work order ${wo.id}: its line ${wo.line_id} is missing`);
    return {
      ...toWorkOrderView(wo),
      line,
      history: history.map((h) => ({
        from: h.from_status,
        to: h.to_status,
        changedBy: h.changed_by,
        reason: h.reason,
        at: h.at.toISOString(),
      })),
      notes: notes.map(toNoteView),
      quantityReports: reports.map((r) => ({
        good: r.good,
        scrap: r.scrap,
        rework: r.rework,
        reportedBy: r.reported_by,
        at: r.at.toISOString(),
      })),
      machine: machine ?? null,
      model: pricing.model,
      quote: pricing.quote,
    };
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Endpoint({
    summary: 'Take a work order (exactly one of racing operators wins; the others get 409)',
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
    summary:
      'Move a work order to its next state (ON_HOLD, REWORK and SCRAPPED need a reason). Scrapping a part of a live line queues a replacement (up to REWORK_MAX_REPLACEMENTS per line); a held part of a cancelled line can only be scrapped or finished to stock (CANCELLED)',
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

  @Post(':id/quantities')
  @HttpCode(200)
  @Endpoint({
    summary: 'Report parts finished since the last report: good, scrap and rework',
    params: IdParam,
    body: QuantityReportRequest,
    responses: { 200: WorkOrderView },
    problems: [404, 409],
  })
  async quantities(
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof QuantityReportRequest>,
    @CurrentUser() user: Principal,
  ) {
    return toWorkOrderView(await this.service.reportQuantities(p.id, user, body));
  }

  @Post(':id/notes')
  @HttpCode(201)
  @Endpoint({
    summary: 'Add a note to a work order',
    params: IdParam,
    body: NoteRequest,
    responses: { 201: WorkOrderNote },
    problems: [404],
  })
  async note(
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof NoteRequest>,
    @CurrentUser() user: Principal,
  ) {
    return toNoteView(await this.service.addNote(p.id, user, body.body));
  }
}
