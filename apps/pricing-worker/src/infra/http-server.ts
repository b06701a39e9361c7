import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from '@fabflow/observability';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const withTimeout = (p: Promise<void>, ms: number) =>
  Promise.race([
    p,
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);

/**
 * The worker's only HTTP: `/metrics` for Prometheus, `/health/live` (the process answers) and
 * `/health/ready` (its dependencies answer and it is taking jobs), in the services' JSON shape.
 */
export class WorkerHttpServer {
  private readonly server: Server;

  constructor(
    private readonly registry: Registry,
    private readonly checks: ReadinessCheck[],
  ) {
    this.server = createServer((req, res) => {
      void this.handle(req.method ?? 'GET', (req.url ?? '/').split('?')[0]!).then(
        ({ status, type, body }) => {
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(err.message);
        },
      );
    });
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    method: string,
    path: string,
  ): Promise<{ status: number; type: string; body: string }> {
    const json = (status: number, body: unknown) => ({
      status,
      type: 'application/json',
      body: JSON.stringify(body),
    });
    if (method !== 'GET') return json(405, { error: 'method not allowed' });
    if (path === '/metrics')
      return { status: 200, type: this.registry.contentType, body: await this.registry.metrics() };
    if (path === '/health/live') return json(200, { status: 'ok', checks: {} });
    if (path === '/health/ready') {
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
      return json(ok ? 200 : 503, { status: ok ? 'ok' : 'error', checks });
    }
    return json(404, { error: 'not found' });
  }
}
