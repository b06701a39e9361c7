import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  ApproveQuoteReviewRequest,
  QuoteReviewList,
  QuoteReviewListQuery,
  QuoteReviewView,
  RejectQuoteReviewRequest,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { decodeReviewCursor, encodeReviewCursor } from './review-cursor';
import { toQuoteReviewView } from './quote-review.mapper';
import { QuoteReviewsService } from './quote-reviews.service';

const QuoteIdParam = z.strictObject({ quoteId: z.uuid({ message: 'must be a UUID' }) });

@ApiTags('quote-reviews')
@Controller('quote-reviews')
@Roles('manager')
export class QuoteReviewsController {
  constructor(private readonly reviews: QuoteReviewsService) {}

  @Get()
  @Endpoint({
    summary: 'The review queue: NEEDS_REVIEW quotes by status, oldest first (keyset pages)',
    query: QuoteReviewListQuery,
    responses: { 200: QuoteReviewList },
  })
  async list(@Query() q: z.output<typeof QuoteReviewListQuery>) {
    const after = q.cursor === undefined ? undefined : decodeReviewCursor(q.cursor);
    if (q.cursor !== undefined && !after)
      throw new BadRequestException('cursor is not a cursor of this list: use nextCursor as given');
    const rows = await this.reviews.list(q.status, q.limit + 1, after);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(toQuoteReviewView),
      nextCursor:
        rows.length > q.limit && last
          ? encodeReviewCursor({ pricedAt: last.priced_at!, id: last.id })
          : null,
    };
  }

  @Get(':quoteId')
  @Endpoint({
    summary: "One review: the engine's reasons, the model's analysis, the proposed price",
    params: QuoteIdParam,
    responses: { 200: QuoteReviewView },
    problems: [404],
  })
  async get(@Param() p: z.output<typeof QuoteIdParam>) {
    return toQuoteReviewView(await this.reviews.get(p.quoteId));
  }

  @Post(':quoteId/approve')
  @HttpCode(200)
  @Endpoint({
    summary:
      'Approve: the quote becomes READY (FIRM) at the proposed price, or at an adjusted unit price and lead time (with a reason)',
    params: QuoteIdParam,
    body: ApproveQuoteReviewRequest,
    responses: { 200: QuoteReviewView },
    problems: [404, 409],
    example: { unitPriceCents: 4200, reason: 'thin walls: printed slower, checked by hand' },
  })
  async approve(
    @Param() p: z.output<typeof QuoteIdParam>,
    @Body() body: z.output<typeof ApproveQuoteReviewRequest>,
    @CurrentUser() user: Principal,
  ) {
    await this.reviews.approve(p.quoteId, user.userId, body);
    return toQuoteReviewView(await this.reviews.get(p.quoteId));
  }

  @Post(':quoteId/reject')
  @HttpCode(200)
  @Endpoint({
    summary: 'Reject: the quote FAILS with the reason, which the customer sees',
    params: QuoteIdParam,
    body: RejectQuoteReviewRequest,
    responses: { 200: QuoteReviewView },
    problems: [404, 409],
    example: { reason: 'The walls are 0.3 mm thick; make them at least 1 mm and upload again.' },
  })
  async reject(
    @Param() p: z.output<typeof QuoteIdParam>,
    @Body() body: z.output<typeof RejectQuoteReviewRequest>,
    @CurrentUser() user: Principal,
  ) {
    await this.reviews.reject(p.quoteId, user.userId, body.reason);
    return toQuoteReviewView(await this.reviews.get(p.quoteId));
  }
}
