import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@fabflow/auth';
import { Health } from '@fabflow/contracts';
import {
  ReadinessLog,
  runHealthChecks,
  type HealthCheck,
  type Logger,
} from '@fabflow/observability';
import { Endpoint } from './endpoint.decorator';
import { LOGGER } from './service-core.tokens';

export type { HealthCheck } from '@fabflow/observability';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly log: ReadinessLog;

  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = new ReadinessLog(logger);
  }

  @Public()
  @Get('live')
  @HttpCode(200)
  @Endpoint({ summary: 'The process is up', responses: { 200: Health } })
  live() {
    return { status: 'ok', checks: {} };
  }

  @Public()
  @Get('ready')
  @Endpoint({
    summary: 'Database, broker and Redis are reachable (each up or down; why is in the log)',
    responses: { 200: Health, 503: Health },
  })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const errors = new Map<string, Error>();
    const report = await runHealthChecks(this.checks, (check, err) => errors.set(check, err));
    this.log.record(report, errors);
    await reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }
}
