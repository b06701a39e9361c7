import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Roles } from '@fabflow/auth';
import {
  CreateTierRequest,
  TierIdParam,
  TierList,
  TierView,
  UpdateTierRequest,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toTierView } from './b2b.mapper';
import { B2bRepository } from './b2b.repository';
import { OrganisationsService } from './organisations.service';

@ApiTags('b2b')
@Controller('tiers')
@Roles('manager')
export class TiersController {
  constructor(
    private readonly repo: B2bRepository,
    private readonly service: OrganisationsService,
  ) {}

  @Get()
  @Endpoint({ summary: 'B2B tiers and their limits', responses: { 200: TierList } })
  async list() {
    return { items: (await this.repo.listTiers()).map(toTierView) };
  }

  @Post()
  @Endpoint({
    summary: 'Create a tier (rate, burst, daily quotas, concurrent pricing jobs)',
    body: CreateTierRequest,
    responses: { 201: TierView },
    problems: [409],
  })
  async create(@Body() body: z.output<typeof CreateTierRequest>) {
    return toTierView(await this.service.createTier(body));
  }

  @Patch(':id')
  @HttpCode(200)
  @Endpoint({
    summary: "Change a tier's limits; every organisation of the tier gets them within seconds",
    params: TierIdParam,
    body: UpdateTierRequest,
    responses: { 200: TierView },
    problems: [404],
  })
  async update(
    @Param() p: z.output<typeof TierIdParam>,
    @Body() body: z.output<typeof UpdateTierRequest>,
  ) {
    return toTierView(await this.service.updateTier(p.id, body));
  }
}
