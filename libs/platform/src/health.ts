import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@fabflow/auth';
import { Health } from '@fabflow/contracts';
import { Endpoint } from './endpoint.decorator';

/** A readiness dependency: resolves when reachable, rejects with the reason when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

const withTimeout = (p: Promise<void>, ms: number) =>
  Promise.race([
    p,
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms),
    ),
  ]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Public()
  @Get('live')
  @HttpCode(200)
  @Endpoint({ summary: 'The process is up', public: true, responses: { 200: Health } })
  live() {
    return { status: 'ok', checks: {} };
  }

  @Public()
  @Get('ready')
  @Endpoint({
    summary: 'Database, broker and Redis are reachable',
    public: true,
    responses: { 200: Health, 503: Health },
  })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const checks: Record<string, { status: 'up' | 'down'; error?: string }> = {};
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          checks[c.name] = { status: 'up' };
        } catch (err) {
          checks[c.name] = { status: 'down', error: (err as Error).message };
        }
      }),
    );
    const ok = Object.values(checks).every((r) => r.status === 'up');
    await reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'error', checks });
  }
}
