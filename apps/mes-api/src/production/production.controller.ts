import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Roles } from '@fabflow/auth';
import { ProductionOrderIdParam, ProductionOrderView } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { ProductionViews } from './production-views';

/** Where an order is in production: per line, its work orders and how the parts add up. */
@ApiTags('production')
@Controller('production-orders')
@Roles('operator', 'manager')
export class ProductionController {
  constructor(private readonly views: ProductionViews) {}

  @Get(':orderId')
  @Endpoint({
    summary:
      'An order in production: its derived status and version, its cancellation, and per line the status, work orders (replacements included), live and scrapped quantities',
    params: ProductionOrderIdParam,
    responses: { 200: ProductionOrderView },
    problems: [404],
  })
  async get(
    @Param() p: z.output<typeof ProductionOrderIdParam>,
  ): Promise<z.infer<typeof ProductionOrderView>> {
    const view = await this.views.order(p.orderId);
    if (!view) throw new NotFoundException(`production has no order ${p.orderId}`);
    return view;
  }
}
