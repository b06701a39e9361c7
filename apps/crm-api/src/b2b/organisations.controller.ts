import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  CreateOrganisationRequest,
  IdParam,
  NotificationList,
  OrganisationList,
  OrganisationView,
  RedeliverWebhooksRequest,
  RedeliveryRequested,
  UpdateOrganisationRequest,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toOrganisationView } from './b2b.mapper';
import { B2bRepository } from './b2b.repository';
import { OrganisationsService } from './organisations.service';

@ApiTags('b2b')
@Controller('organisations')
@Roles('manager')
export class OrganisationsController {
  constructor(
    private readonly repo: B2bRepository,
    private readonly service: OrganisationsService,
  ) {}

  @Get()
  @Endpoint({ summary: 'B2B organisations, newest first', responses: { 200: OrganisationList } })
  async list() {
    return { items: (await this.repo.listOrganisations(200)).map(toOrganisationView) };
  }

  @Post()
  @Endpoint({
    summary: 'Create a B2B organisation with a tier and its contact managers',
    body: CreateOrganisationRequest,
    responses: { 201: OrganisationView },
    problems: [422],
  })
  async create(
    @CurrentUser() user: Principal,
    @Body() body: z.output<typeof CreateOrganisationRequest>,
  ) {
    return toOrganisationView(await this.service.createOrganisation(user.userId, body));
  }

  @Get(':id')
  @Endpoint({
    summary: 'One organisation',
    params: IdParam,
    responses: { 200: OrganisationView },
    problems: [404],
  })
  async get(@Param() p: z.output<typeof IdParam>) {
    return toOrganisationView(await this.service.getOrganisation(p.id));
  }

  @Patch(':id')
  @HttpCode(200)
  @Endpoint({
    summary: 'Rename, change the tier, suspend/reactivate, or change the contacts',
    params: IdParam,
    body: UpdateOrganisationRequest,
    responses: { 200: OrganisationView },
    problems: [404, 422],
  })
  async update(
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof UpdateOrganisationRequest>,
  ) {
    return toOrganisationView(await this.service.updateOrganisation(p.id, body));
  }

  @Post(':id/webhook-redeliveries')
  @HttpCode(202)
  @Endpoint({
    summary:
      'Ask the shop to send webhook deliveries again, with their original event ids: given events, or every one failed since a time',
    params: IdParam,
    body: RedeliverWebhooksRequest,
    responses: { 202: RedeliveryRequested },
    problems: [404],
  })
  redeliver(
    @CurrentUser() user: Principal,
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof RedeliverWebhooksRequest>,
  ) {
    return this.service.requestRedelivery(p.id, user.userId, body);
  }

  @Get(':id/notifications')
  @Endpoint({
    summary: "What the organisation's managers were told (recorded: there is no email service)",
    params: IdParam,
    responses: { 200: NotificationList },
    problems: [404],
  })
  async notifications(@Param() p: z.output<typeof IdParam>) {
    await this.service.getOrganisation(p.id);
    const rows = await this.repo.listNotifications(p.id, 100);
    return {
      items: rows.map((n) => ({
        id: n.id,
        kind: n.kind,
        recipients: n.recipients,
        subject: n.subject,
        body: n.body,
        createdAt: n.created_at.toISOString(),
      })),
    };
  }
}
