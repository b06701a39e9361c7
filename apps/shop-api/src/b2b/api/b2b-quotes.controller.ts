import { Body, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import {
  AcceptQuoteRequest,
  B2bCreateQuoteRequest,
  B2bQuoteAccepted,
  IdParam,
  QuoteList,
  QuoteListQuery,
  QuoteView,
  ShopOrderView,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { ScopedIdempotencyKey } from '../../idempotency/idempotent.decorator';
import { toOrderView } from '../../orders/order.mapper';
import { orderProblem } from '../../orders/order.problems';
import { OrderPlacement } from '../../orders/order-placement.service';
import { toQuoteView } from '../../quotes/quote.mapper';
import { quoteRequestProblem, type QuoteRoutes } from '../../quotes/quote.problems';
import { QuotesService } from '../../quotes/quotes.service';
import {
  B2bController,
  CurrentApiKey,
  RequireScope,
  type B2bPrincipal,
} from '../keys/b2b-principal';
import { B2B_MODEL_ROUTES } from './b2b-models.controller';
import { B2bQuotas } from './b2b-quotas';
import {
  CALCULATING_QUOTE_EXAMPLE,
  ORDER_EXAMPLE,
  QUOTE_ID,
  READY_QUOTE_EXAMPLE,
} from './b2b-examples';

/** The B2B API's routes, in its problems about quotes and orders. */
export const B2B_QUOTE_ROUTES: QuoteRoutes = {
  files: B2B_MODEL_ROUTES,
  materials: '/materials',
  quotes: '/b2b/v1/quotes',
  quote: (quoteId) => `/b2b/v1/quotes/${quoteId}`,
};

/**
 * Quotes of the organisation: asynchronous (202 + pollUrl; `quote.completed` / `quote.failed`
 * webhooks), priced by the MES with the organisation's tier cap on concurrent jobs, counted
 * against the tier's daily quote quota; accepting one places the order (daily order quota).
 */
@B2bController('quotes')
export class B2bQuotesController {
  constructor(
    private readonly quotes: QuotesService,
    private readonly placement: OrderPlacement,
    private readonly quotas: B2bQuotas,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScope('quotes:write')
  @Endpoint({
    summary:
      'Ask for the price of a READY model (asynchronous: 202, then poll pollUrl or wait for the quote.completed / quote.failed webhook); counts against the daily quote quota (Idempotency-Key required)',
    body: B2bCreateQuoteRequest,
    responses: { 202: B2bQuoteAccepted },
    problems: [404, 409, 413, 422, 429, 503],
    example: {
      modelId: '0193a5c2-1b00-7000-8000-00000000f11e',
      materialId: 'pla-black',
      quantity: 50,
      leadTime: 'STANDARD',
      firm: false,
    },
    responseExamples: {
      202: { quoteId: QUOTE_ID, status: 'CALCULATING', pollUrl: `/b2b/v1/quotes/${QUOTE_ID}` },
    },
  })
  async request(
    @CurrentApiKey() p: B2bPrincipal,
    @Body() body: z.output<typeof B2bCreateQuoteRequest>,
    @ScopedIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.infer<typeof B2bQuoteAccepted>> {
    const { modelId, ...rest } = body;
    const origin = {
      channel: 'B2B' as const,
      maxConcurrentJobs: p.tier.maxConcurrentPricingJobs,
      admit: () => this.quotas.take(p, 'quotes', reply),
    };
    const { quoteId } = await this.quotes
      .request(p.organisation.id, { fileId: modelId, ...rest }, origin, idempotencyKey)
      .catch((err: unknown) => {
        throw quoteRequestProblem(err, B2B_QUOTE_ROUTES);
      });
    const pollUrl = B2B_QUOTE_ROUTES.quote(quoteId);
    void reply.header('location', pollUrl);
    return { quoteId, status: 'CALCULATING', pollUrl };
  }

  @Get()
  @Endpoint({
    summary: "The organisation's quotes, newest first",
    query: QuoteListQuery,
    responses: { 200: QuoteList },
    problems: [429],
    responseExamples: { 200: { items: [READY_QUOTE_EXAMPLE] } },
  })
  async list(@CurrentApiKey() p: B2bPrincipal, @Query() q: z.output<typeof QuoteListQuery>) {
    const now = new Date();
    return {
      items: (await this.quotes.list(p.organisation.id, q.limit)).map((r) => toQuoteView(r, now)),
    };
  }

  @Get(':id')
  @Endpoint({
    summary:
      'One quote: status, the current stage and overall progress while CALCULATING, the price breakdown when READY, the reason when FAILED',
    params: IdParam,
    responses: { 200: QuoteView },
    problems: [404, 429],
    responseExamples: { 200: CALCULATING_QUOTE_EXAMPLE },
  })
  async get(@CurrentApiKey() p: B2bPrincipal, @Param() params: z.output<typeof IdParam>) {
    return toQuoteView(await this.quotes.getOwned(params.id, p.organisation.id));
  }

  @Post(':id/accept')
  @HttpCode(201)
  @RequireScope('orders:write')
  @Endpoint({
    summary:
      'Accept a READY quote: places a one-line order (its model, material, quantity and price; several quotes in one order: POST /b2b/v1/orders); 409 with the reason when the quote is not READY; counts against the daily order quota (Idempotency-Key required)',
    params: IdParam,
    body: AcceptQuoteRequest,
    responses: { 201: ShopOrderView },
    problems: [404, 409, 413, 429],
    example: {},
    responseExamples: { 201: ORDER_EXAMPLE },
  })
  async accept(
    @CurrentApiKey() p: B2bPrincipal,
    @Param() params: z.output<typeof IdParam>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const origin = { channel: 'B2B' as const, admit: () => this.quotas.take(p, 'orders', reply) };
    const placed = await this.placement
      .place(p.organisation.id, { quoteIds: [params.id] }, origin)
      .catch((err: unknown) => {
        throw orderProblem(err, B2B_QUOTE_ROUTES);
      });
    void reply.header('location', `/b2b/v1/orders/${placed.order.id}`);
    return toOrderView(placed);
  }
}
