import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiHeader, ApiProduces, ApiTags } from '@nestjs/swagger';
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
import { QuoteEventStreams } from './quote-event-streams';
import { toQuoteView } from './quote.mapper';
import { QuotesService } from './quotes.service';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

@ApiTags('quotes')
@Controller('quotes')
@Roles('customer')
export class QuotesController {
  constructor(
    private readonly quotes: QuotesService,
    private readonly streams: QuoteEventStreams,
  ) {}

  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key answer with the first quote.',
  })
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
    @Headers('idempotency-key') key: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new BadRequestException(
        'Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -',
      );
    }
    const { quoteId, replayed } = await this.quotes.request(user.userId, body, key);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    const accepted: z.infer<typeof QuoteAccepted> = {
      quoteId,
      status: 'CALCULATING',
      pollUrl: `/quotes/${quoteId}`,
      eventsUrl: `/quotes/${quoteId}/events`,
    };
    await reply.status(202).header('location', accepted.pollUrl).send(accepted);
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
