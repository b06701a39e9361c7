import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  CreateQuoteRequest,
  IdParam,
  QuoteAccepted,
  QuoteList,
  QuoteListQuery,
  QuoteView,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { Idempotent, ScopedIdempotencyKey } from '../idempotency/idempotent.decorator';
import { UPLOAD_ROUTES } from '../uploads/uploads.controller';
import { QuoteEventStreams } from './quote-event-streams';
import { toQuoteView } from './quote.mapper';
import { quoteRequestProblem, type QuoteRoutes } from './quote.problems';
import { QuotesService } from './quotes.service';

/** The B2C API's routes, in its problems about quotes and orders. */
export const QUOTE_ROUTES: QuoteRoutes = {
  files: UPLOAD_ROUTES,
  materials: '/materials',
  quotes: '/quotes',
  quote: (quoteId) => `/quotes/${quoteId}`,
};
const refused = (err: unknown): never => {
  throw quoteRequestProblem(err, QUOTE_ROUTES);
};

@ApiTags('quotes')
@Controller('quotes')
@Roles('customer')
export class QuotesController {
  constructor(
    private readonly quotes: QuotesService,
    private readonly streams: QuoteEventStreams,
  ) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @Endpoint({
    summary:
      'Ask for the price of an uploaded model (asynchronous: 202, then poll pollUrl or follow eventsUrl)',
    body: CreateQuoteRequest,
    responses: { 202: QuoteAccepted },
    problems: [404, 409, 422, 503],
  })
  async request(
    @CurrentUser() user: Principal,
    @Body() body: z.output<typeof CreateQuoteRequest>,
    @ScopedIdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.infer<typeof QuoteAccepted>> {
    const { quoteId } = await this.quotes
      .request(user.userId, body, undefined, idempotencyKey)
      .catch(refused);
    const pollUrl = QUOTE_ROUTES.quote(quoteId);
    void reply.header('location', pollUrl);
    return { quoteId, status: 'CALCULATING', pollUrl, eventsUrl: `${pollUrl}/events` };
  }

  @Get()
  @Endpoint({
    summary: 'My quotes, newest first',
    query: QuoteListQuery,
    responses: { 200: QuoteList },
  })
  async list(@CurrentUser() user: Principal, @Query() q: z.output<typeof QuoteListQuery>) {
    const now = new Date();
    return {
      items: (await this.quotes.list(user.userId, q.limit)).map((r) => toQuoteView(r, now)),
    };
  }

  @Get(':id')
  @Endpoint({
    summary:
      'One of my quotes: status, per-stage progress, the price breakdown when READY, the reason when FAILED',
    params: IdParam,
    responses: { 200: QuoteView },
    problems: [404],
  })
  async get(@CurrentUser() user: Principal, @Param() p: z.output<typeof IdParam>) {
    return toQuoteView(await this.quotes.get(p.id, user));
  }

  @Get(':id/events')
  @ApiProduces('text/event-stream')
  @Endpoint({
    summary:
      'Progress of one of my quotes as Server-Sent Events (`event: quote`, data = the quote): the current state at once, then every change, ending when the calculation is over. ' +
      'Authenticate with the Authorization header, as everywhere: in a browser read the stream with fetch() (a ReadableStream), since EventSource cannot send headers. ' +
      'Tokens in query strings are not accepted (they end up in logs, traces and Referer headers).',
    params: IdParam,
    responses: { 200: null, 204: null },
    problems: [404],
  })
  async events(
    @CurrentUser() user: Principal,
    @Param() p: z.output<typeof IdParam>,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const quote = await this.quotes.get(p.id, user);
    await this.streams.open(req, reply, quote, user.role === 'admin' ? undefined : user.userId);
  }
}
