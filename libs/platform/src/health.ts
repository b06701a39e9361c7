import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@fabflow/auth';
import { Health } from '@fabflow/contracts';
import { runHealthChecks, type HealthCheck, type Logger } from '@fabflow/observability';
import { Endpoint } from './endpoint.decorator';
import { LOGGER } from './service-core.tokens';

export type { HealthCheck } from '@fabflow/observability';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

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
    const report = await runHealthChecks(this.checks, (check, err) =>
      this.logger.warn({ check, err: err.message }, 'readiness check failed'),
    );
    await reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }
}
