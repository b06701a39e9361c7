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
  Promise.race([p, new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);

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
  @Endpoint({ summary: 'Database, broker and Redis are reachable', public: true, responses: { 200: Health, 503: Health } })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          return [c.name, { status: 'up' as const }] as const;
        } catch (err) {
          return [c.name, { status: 'down' as const, error: (err as Error).message }] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.status === 'up');
    await reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'error', checks: Object.fromEntries(results) });
  }
}
