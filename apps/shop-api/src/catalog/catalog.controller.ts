import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '@fabflow/auth';
import { CatalogItemView } from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { CatalogRepository } from './catalog.repository';

@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogRepository) {}

  @Public()
  @Get()
  @Endpoint({
    summary: 'The fixed price list',
    public: true,
    responses: { 200: z.object({ items: z.array(CatalogItemView) }) },
  })
  async list() {
    const rows = await this.catalog.listActive();
    return {
      items: rows.map((r) => ({
        sku: r.sku,
        name: r.name,
        material: r.material,
        unitPriceCents: r.unit_price_cents,
        currency: r.currency,
      })),
    };
  }
}
