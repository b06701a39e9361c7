import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ReadinessLog,
  runHealthChecks,
  type HealthCheck,
  type Registry,
} from '@fabflow/observability';

/**
 * The worker's only HTTP: `/metrics` for Prometheus, `/health/live` (the process answers) and
 * `/health/ready` (its dependencies answer and it is taking jobs), in the services' JSON shape.
 */
export class WorkerHttpServer {
  private readonly server: Server;

  constructor(
    private readonly registry: Registry,
    private readonly checks: HealthCheck[],
    private readonly log: ReadinessLog,
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
      const errors = new Map<string, Error>();
      const report = await runHealthChecks(this.checks, (check, err) => errors.set(check, err));
      this.log.record(report, errors);
      return json(report.status === 'ok' ? 200 : 503, report);
    }
    return json(404, { error: 'not found' });
  }
}
