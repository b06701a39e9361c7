import {
  Body,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import {
  CreateWebhookRequest,
  DeliveryDetail,
  DeliveryList,
  DeliveryListQuery,
  DeliveryParams,
  DeliveryView,
  IdParam,
  RotateWebhookSecretRequest,
  WebhookList,
  WebhookView,
  WebhookWithSecret,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import {
  B2bController,
  CurrentApiKey,
  RequireScope,
  type B2bPrincipal,
} from '../keys/b2b-principal';
import { WebhooksRepository } from '../../notifications/webhooks/webhooks.repository';
import { toAttemptView, toDeliveryView, toWebhookView } from './webhook.mapper';
import { WebhooksService } from './webhooks.service';

const SUBSCRIPTION_EXAMPLE = {
  id: '0193a5c1-2a00-7000-8000-00000000e6b1',
  url: 'https://erp.acme.example/fabflow/webhooks',
  events: ['quote.completed', 'quote.failed'],
  description: 'ERP integration',
  status: 'ACTIVE',
  disabledReason: null,
  failingSince: null,
  previousSecretExpiresAt: null,
  createdAt: '2026-12-03T09:12:00.000Z',
};

@B2bController('webhooks')
export class WebhooksController {
  constructor(
    private readonly service: WebhooksService,
    private readonly repo: WebhooksRepository,
  ) {}

  @Post()
  @RequireScope('webhooks:write')
  @Endpoint({
    summary:
      'Subscribe a URL to events; the signing secret is in this response only (Idempotency-Key required)',
    body: CreateWebhookRequest,
    responses: { 201: WebhookWithSecret },
    problems: [409, 413, 422, 429],
    example: {
      url: 'https://erp.acme.example/fabflow/webhooks',
      events: ['quote.completed', 'quote.failed'],
      description: 'ERP integration',
    },
    responseExamples: { 201: { ...SUBSCRIPTION_EXAMPLE, secret: 'whsec_3q2-…' } },
  })
  async create(
    @CurrentApiKey() p: B2bPrincipal,
    @Body() body: z.output<typeof CreateWebhookRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { row, secret } = await this.service.create(p, body);
    void reply.header('location', `/b2b/v1/webhooks/${row.id}`);
    return { ...toWebhookView(row), secret };
  }

  @Get()
  @Endpoint({
    summary: "The organisation's webhook subscriptions",
    responses: { 200: WebhookList },
    responseExamples: { 200: { items: [SUBSCRIPTION_EXAMPLE] } },
  })
  async list(@CurrentApiKey() p: B2bPrincipal) {
    return { items: (await this.repo.list(p.organisation.id)).map(toWebhookView) };
  }

  @Get(':id')
  @Endpoint({
    summary: 'One subscription',
    params: IdParam,
    responses: { 200: WebhookView },
    problems: [404],
  })
  async get(@CurrentApiKey() p: B2bPrincipal, @Param() params: z.output<typeof IdParam>) {
    return toWebhookView(await this.service.get(p, params.id));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('webhooks:write')
  @Endpoint({
    summary: 'Delete a subscription (its pending deliveries are dropped)',
    params: IdParam,
    responses: { 204: null },
    problems: [404],
  })
  async remove(@CurrentApiKey() p: B2bPrincipal, @Param() params: z.output<typeof IdParam>) {
    await this.service.delete(p, params.id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireScope('webhooks:write')
  @Endpoint({
    summary:
      'New signing secret (shown once); the previous one keeps signing alongside it for the overlap',
    params: IdParam,
    body: RotateWebhookSecretRequest,
    responses: { 200: WebhookWithSecret },
    problems: [404],
    example: { overlapSeconds: 86400 },
  })
  async rotate(
    @CurrentApiKey() p: B2bPrincipal,
    @Param() params: z.output<typeof IdParam>,
    @Body() body: z.output<typeof RotateWebhookSecretRequest>,
  ) {
    const { row, secret } = await this.service.rotateSecret(p, params.id, body.overlapSeconds);
    return { ...toWebhookView(row), secret };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequireScope('webhooks:write')
  @Endpoint({
    summary: 'Enable a subscription that was disabled after failing',
    params: IdParam,
    responses: { 200: WebhookView },
    problems: [404],
  })
  async enable(@CurrentApiKey() p: B2bPrincipal, @Param() params: z.output<typeof IdParam>) {
    return toWebhookView(await this.service.enable(p, params.id));
  }

  @Get(':id/deliveries')
  @Endpoint({
    summary: 'Deliveries of a subscription, newest first',
    params: IdParam,
    query: DeliveryListQuery,
    responses: { 200: DeliveryList },
    problems: [404],
  })
  async deliveries(
    @CurrentApiKey() p: B2bPrincipal,
    @Param() params: z.output<typeof IdParam>,
    @Query() q: z.output<typeof DeliveryListQuery>,
  ) {
    await this.service.get(p, params.id);
    const rows = await this.repo.deliveries(p.organisation.id, params.id, q.status, q.limit);
    return { items: rows.map(toDeliveryView) };
  }

  @Get(':id/deliveries/:deliveryId')
  @Endpoint({
    summary: 'One delivery with every attempt (status, latency, error)',
    params: DeliveryParams,
    responses: { 200: DeliveryDetail },
    problems: [404],
  })
  async delivery(
    @CurrentApiKey() p: B2bPrincipal,
    @Param() params: z.output<typeof DeliveryParams>,
  ) {
    const d = await this.repo.delivery(p.organisation.id, params.id, params.deliveryId);
    if (!d) throw new NotFoundException(`delivery ${params.deliveryId} not found`);
    const attempts = await this.repo.attempts(d.id);
    return { ...toDeliveryView(d), attemptLog: attempts.map(toAttemptView) };
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @RequireScope('webhooks:write')
  @Endpoint({
    summary: 'Send a finished delivery again, with the same event id (Idempotency-Key required)',
    params: DeliveryParams,
    responses: { 202: DeliveryView },
    problems: [404, 409],
  })
  async redeliver(
    @CurrentApiKey() p: B2bPrincipal,
    @Param() params: z.output<typeof DeliveryParams>,
  ) {
    return toDeliveryView(await this.service.redeliver(p, params.id, params.deliveryId));
  }
}
