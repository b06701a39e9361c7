import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Public } from '@fabflow/auth';
import { MaterialList } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { PriceListsRepository } from './price-lists.repository';

@ApiTags('quotes')
@Controller('materials')
export class MaterialsController {
  constructor(private readonly priceLists: PriceListsRepository) {}

  @Public()
  @Get()
  @Endpoint({
    summary:
      'Materials and lead times a quote can ask for (the MES’s current price list; empty until one is published)',
    responses: { 200: MaterialList },
  })
  async list(): Promise<z.infer<typeof MaterialList>> {
    const current = await this.priceLists.current();
    return {
      priceListVersion: current?.version ?? null,
      currency: current?.currency ?? null,
      items: current?.materials ?? [],
      leadTimes: current?.lead_times ?? [],
    };
  }
}
