import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, REPO_ROOT, testEnv } from '@fabflow/testing';
import { answersOk, BinaryProcess } from './binary-process';
import type { ScrapeJob } from './prometheus-process';

interface NginxLocal {
  writeLocalNginx(
    dir: string,
    ports: Record<'shop' | 'crm' | 'mes' | 'status', number>,
    upstreams: Record<'shop' | 'crm' | 'mes', number[]>,
  ): { conf: string; accessLog: string; fabflowLog: string };
}

export interface InfraTargets {
  /** The vhost whose queues are watched (the test's own). */
  vhost: string;
  /** The service ports nginx balances to. */
  upstreams: Record<'shop' | 'crm' | 'mes', number>;
}

const DEPLOY = join(REPO_ROOT, 'deploy');

/**
 * The infrastructure's exporters as in docker-compose.yml, from the Debian packages, on free
 * ports: postgres_exporter (with deploy/postgres-exporter/queries.yaml) on the test Postgres,
 * redis_exporter on the test Redis, the real deploy/nginx/nginx.conf in front of the services with
 * nginx-prometheus-exporter on its stub_status and mtail (deploy/mtail) on its access log, and
 * the test broker's own plugin (the test's vhost only, for the queues). `jobs` are the scrape jobs
 * deploy/prometheus/prometheus.yml has for them, with the same job names.
 */
export class InfraExporters {
  private constructor(
    readonly jobs: ScrapeJob[],
    /** nginx's address for each API. */
    readonly nginx: Record<'shop' | 'crm' | 'mes', string>,
    private readonly procs: BinaryProcess[],
    private readonly dir: string,
  ) {}

  static async start(t: InfraTargets): Promise<InfraExporters> {
    const dir = mkdtempSync(join(tmpdir(), 'fabflow-exporters-'));
    const procs: BinaryProcess[] = [];
    try {
      const rabbit = testEnv.TEST_RABBITMQ_PROMETHEUS;
      if (!(await answersOk(`http://${rabbit}/metrics`).catch(() => false)))
        throw new Error(
          `the test broker has no Prometheus endpoint at ${rabbit}: enable the plugin with ` +
            '`rabbitmq-plugins enable --online rabbitmq_prometheus` (npm run services does)',
        );
      const pg = await freePort();
      const pgUrl = new URL(testEnv.TEST_PG_URL);
      pgUrl.searchParams.set('sslmode', 'disable');
      procs.push(
        await BinaryProcess.start(
          'postgres-exporter-e2e',
          '/usr/bin/prometheus-postgres-exporter',
          [
            `--web.listen-address=127.0.0.1:${pg}`,
            `--extend.query-path=${join(DEPLOY, 'postgres-exporter', 'queries.yaml')}`,
          ],
          () => answersOk(`http://127.0.0.1:${pg}/metrics`),
          { DATA_SOURCE_NAME: pgUrl.toString() },
        ),
      );
      const redis = await freePort();
      procs.push(
        await BinaryProcess.start(
          'redis-exporter-e2e',
          '/usr/bin/prometheus-redis-exporter',
          [`-redis.addr=${testEnv.TEST_REDIS_URL}`, `-web.listen-address=127.0.0.1:${redis}`],
          () => answersOk(`http://127.0.0.1:${redis}/metrics`),
        ),
      );
      const web = await startNginx(dir, t.upstreams, procs);
      return new InfraExporters(
        [
          { job: 'rabbitmq', service: 'rabbitmq', targets: [rabbit] },
          {
            job: 'rabbitmq-queues',
            service: 'rabbitmq',
            targets: [rabbit],
            metricsPath: '/metrics/detailed',
            // As in compose, plus the vhost: the test broker is shared with other tests.
            params: { family: ['queue_coarse_metrics', 'queue_consumer_count'], vhost: [t.vhost] },
          },
          { job: 'postgres', service: 'postgres', targets: [`127.0.0.1:${pg}`] },
          { job: 'redis', service: 'redis', targets: [`127.0.0.1:${redis}`] },
          { job: 'nginx', service: 'nginx', targets: [`127.0.0.1:${web.exporter}`] },
          { job: 'nginx-log', service: 'nginx', targets: [`127.0.0.1:${web.mtail}`] },
        ],
        web.urls,
        procs,
        dir,
      );
    } catch (err) {
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** nginx on deploy/nginx/nginx.conf (tools/nginx-local.mjs), its exporter and mtail. */
async function startNginx(
  dir: string,
  upstreams: InfraTargets['upstreams'],
  procs: BinaryProcess[],
): Promise<{ urls: Record<'shop' | 'crm' | 'mes', string>; exporter: number; mtail: number }> {
  const local = (await import(
    pathToFileURL(join(REPO_ROOT, 'tools', 'nginx-local.mjs')).href
  )) as NginxLocal;
  const ports = {
    shop: await freePort(),
    crm: await freePort(),
    mes: await freePort(),
    status: await freePort(),
  };
  const { conf, fabflowLog } = local.writeLocalNginx(dir, ports, {
    shop: [upstreams.shop],
    crm: [upstreams.crm],
    mes: [upstreams.mes],
  });
  const status = `http://127.0.0.1:${ports.status}/stub_status`;
  procs.push(
    await BinaryProcess.start(
      'nginx-e2e',
      'nginx',
      ['-p', dir, '-c', conf, '-g', 'daemon off;'],
      () => answersOk(status),
    ),
  );
  const exporter = await freePort();
  procs.push(
    await BinaryProcess.start(
      'nginx-exporter-e2e',
      '/usr/bin/prometheus-nginx-exporter',
      [`-nginx.scrape-uri=${status}`, `-web.listen-address=127.0.0.1:${exporter}`],
      () => answersOk(`http://127.0.0.1:${exporter}/metrics`),
    ),
  );
  // After nginx: mtail polls the files that exist when it starts.
  const mtail = await freePort();
  procs.push(
    await BinaryProcess.start(
      'mtail-e2e',
      '/usr/bin/mtail',
      [
        `--progs=${join(DEPLOY, 'mtail')}`,
        `--logs=${fabflowLog}`,
        '--address=127.0.0.1',
        `--port=${mtail}`,
        '--logtostderr',
      ],
      () => answersOk(`http://127.0.0.1:${mtail}/metrics`),
    ),
  );
  const url = (p: number) => `http://127.0.0.1:${p}`;
  return {
    urls: { shop: url(ports.shop), crm: url(ports.crm), mes: url(ports.mes) },
    exporter,
    mtail,
  };
}
