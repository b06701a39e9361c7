import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';

/** apps/mes-api/dist/dashboard → apps/mes-dashboard/dist/bundle, where the build puts the page. */
const BUILT = join(__dirname, '..', '..', '..', 'mes-dashboard', 'dist', 'bundle');

/**
 * Serves the built dashboard at /dashboard/. The page may only talk to this origin and to the
 * login URL (Content-Security-Policy); hashed assets are cached for good, the page never.
 */
@Injectable()
export class DashboardStatic implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    @Inject(APP_CONFIG)
    private readonly config: { DASHBOARD_DIR?: string; DASHBOARD_LOGIN_URL: string },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const root = this.config.DASHBOARD_DIR ?? BUILT;
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    if (!existsSync(join(root, 'index.html'))) {
      this.logger.warn({ root }, 'dashboard not built (npm run build); /dashboard/ answers 503');
      fastify.get('/dashboard/*', (_req, reply) =>
        reply.status(503).header('content-type', 'application/problem+json').send({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: 'the dashboard is not built: run npm run build',
        }),
      );
      return;
    }
    const csp = [
      "default-src 'self'",
      `connect-src 'self' ${new URL(this.config.DASHBOARD_LOGIN_URL).origin}`,
      "img-src 'self' data:",
      "style-src 'self' 'unsafe-inline'",
      "frame-ancestors 'none'",
    ].join('; ');
    void fastify.register(fastifyStatic, {
      root,
      prefix: '/dashboard/',
      index: ['index.html'],
      decorateReply: false,
      setHeaders: (res: FastifyReply, path: string) => {
        if (path.includes('/assets/')) {
          res.header('cache-control', 'public, max-age=31536000, immutable');
        } else {
          res.header('cache-control', 'no-cache');
          if (path.endsWith('.html')) {
            res.header('content-security-policy', csp);
            res.header('x-content-type-options', 'nosniff');
          }
        }
      },
    });
  }
}
