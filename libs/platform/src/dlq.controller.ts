import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Roles } from '@fabflow/auth';
import {
  DlqMessageDetail,
  DlqMessageList,
  DlqMessageParams,
  DlqMessagesQuery,
  DlqPurgeRequest,
  DlqPurgeResult,
  DlqQueueParam,
  DlqReplayRequest,
  DlqReplayResult,
  DlqSummary,
} from '@fabflow/contracts';
import {
  BrokerUnavailableError,
  DeadLetterQueues,
  DeadLetterRequestError,
  MessagingRuntime,
  ReplayInterruptedError,
  UnknownQueueError,
  type MessagingTables,
} from '@fabflow/messaging';
import { Endpoint } from './endpoint.decorator';

/** Provided by the core module: the names of this service's subscription queues. */
export const SUBSCRIBED_QUEUES = Symbol('SUBSCRIBED_QUEUES');
export type SubscribedQueues = () => readonly string[];

/** The tooling's refusals as HTTP problems; anything else is a 500. */
function toHttpError(err: unknown): unknown {
  if (err instanceof UnknownQueueError) return new NotFoundException(err.message);
  if (err instanceof DeadLetterRequestError) return new UnprocessableEntityException(err.message);
  if (err instanceof BrokerUnavailableError || err instanceof ReplayInterruptedError)
    return new ServiceUnavailableException(err.message);
  return err;
}

/**
 * Admin-only API over this service's dead-letter queues: summary, list, show, replay at a
 * bounded rate, purge with confirmation. It manages only the queues this service subscribes.
 */
@ApiTags('admin')
@Controller('admin/dlq')
@Roles('admin')
export class DeadLetterController {
  private dlqs: DeadLetterQueues | undefined;

  constructor(
    private readonly runtime: MessagingRuntime<MessagingTables>,
    @Inject(SUBSCRIBED_QUEUES) private readonly queues: SubscribedQueues,
  ) {}

  @Get()
  @Endpoint({
    summary: "Dead-letter queues of this service's subscriptions, grouped by error",
    responses: { 200: DlqSummary },
    problems: [503],
  })
  summary() {
    return this.call(async (d) => ({ queues: await d.summary() }));
  }

  @Get(':queue/messages')
  @Endpoint({
    summary: 'Dead-lettered messages of one queue, oldest first',
    params: DlqQueueParam,
    query: DlqMessagesQuery,
    responses: { 200: DlqMessageList },
    problems: [404, 503],
  })
  list(@Param() p: z.output<typeof DlqQueueParam>, @Query() q: z.output<typeof DlqMessagesQuery>) {
    return this.call((d) => d.list(p.queue, q));
  }

  @Get(':queue/messages/:id')
  @Endpoint({
    summary: 'One dead-lettered message with its headers and body',
    params: DlqMessageParams,
    responses: { 200: DlqMessageDetail },
    problems: [404, 503],
  })
  show(@Param() p: z.output<typeof DlqMessageParams>) {
    return this.call(async (d) => {
      const message = await d.show(p.queue, p.id);
      if (!message) throw new NotFoundException(`message ${p.id} is not in ${p.queue}.dlq`);
      return message;
    });
  }

  @Post(':queue/replay')
  @HttpCode(200)
  @Endpoint({
    summary:
      'Put dead-lettered messages back on the queue (exactly one of ids, type, all), at a bounded rate; they keep their ids',
    params: DlqQueueParam,
    body: DlqReplayRequest,
    responses: { 200: DlqReplayResult },
    problems: [404, 422, 503],
  })
  replay(
    @Param() p: z.output<typeof DlqQueueParam>,
    @Body() body: z.output<typeof DlqReplayRequest>,
  ) {
    const { ratePerSecond, limit, ...selection } = body;
    return this.call((d) => d.replay(p.queue, selection, { ratePerSecond, limit }));
  }

  @Post(':queue/purge')
  @HttpCode(200)
  @Endpoint({
    summary: 'Delete every message of the DLQ; `confirm` must repeat the queue name',
    params: DlqQueueParam,
    body: DlqPurgeRequest,
    responses: { 200: DlqPurgeResult },
    problems: [404, 422, 503],
  })
  purge(
    @Param() p: z.output<typeof DlqQueueParam>,
    @Body() body: z.output<typeof DlqPurgeRequest>,
  ) {
    return this.call((d) => d.purge(p.queue, body));
  }

  private async call<T>(fn: (d: DeadLetterQueues) => Promise<T>): Promise<T> {
    // Built on first use: the subscriptions are provided by the app module, after this one.
    this.dlqs ??= new DeadLetterQueues(this.runtime.connection, this.queues());
    try {
      return await fn(this.dlqs);
    } catch (err) {
      throw toHttpError(err);
    }
  }
}
