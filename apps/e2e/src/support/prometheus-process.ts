import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@fabflow/testing';
import { answersOk, BinaryProcess } from './binary-process';

export interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

/** One scrape job, as deploy/prometheus/prometheus.yml has it (job name, `service` label). */
export interface ScrapeJob {
  job: string;
  service: string;
  targets: string[];
  metricsPath?: string;
  params?: Record<string, string[]>;
  /** The Fabflow services label their series with `service` themselves (honor_labels). */
  honorLabels?: boolean;
}

export interface PrometheusOptions {
  jobs: ScrapeJob[];
  /** Rule files (globs allowed). */
  ruleFiles: string[];
  /** An Alertmanager to send alerts to (host:port). */
  alertmanager?: string;
  /** Scrape and evaluation interval (default 1s). */
  interval?: string;
}

function scrapeConfig(j: ScrapeJob): string[] {
  return [
    `  - job_name: ${JSON.stringify(j.job)}`,
    `    honor_labels: ${j.honorLabels ?? false}`,
    ...(j.metricsPath ? [`    metrics_path: ${JSON.stringify(j.metricsPath)}`] : []),
    ...(j.params ? [`    params: ${JSON.stringify(j.params)}`] : []),
    '    static_configs:',
    `      - targets: ${JSON.stringify(j.targets)}`,
    `        labels: { service: ${JSON.stringify(j.service)} }`,
  ];
}

/** A Prometheus server (Debian package) as a child process, with its own storage. */
export class PrometheusProcess {
  private constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly proc: BinaryProcess,
  ) {}

  static async start(opts: PrometheusOptions): Promise<PrometheusProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'fabflow-prometheus-'));
    const interval = opts.interval ?? '1s';
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        `  scrape_interval: ${interval}`,
        `  scrape_timeout: ${interval}`,
        `  evaluation_interval: ${interval}`,
        'rule_files:',
        ...opts.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`),
        ...(opts.alertmanager
          ? [
              'alerting:',
              '  alertmanagers:',
              `    - static_configs: [{ targets: [${JSON.stringify(opts.alertmanager)}] }]`,
            ]
          : []),
        'scrape_configs:',
        ...opts.jobs.flatMap(scrapeConfig),
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    try {
      const proc = await BinaryProcess.start(
        'prometheus-e2e',
        '/usr/bin/prometheus',
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          // Firing and resolved alerts reach Alertmanager at once, not a minute later.
          '--rules.alert.resend-delay=1s',
        ],
        () => answersOk(`${url}/-/ready`),
      );
      return new PrometheusProcess(url, dir, proc);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** GET without parameters; POSTed form otherwise (queries can be long). */
  async api<T>(path: string, params?: Record<string, string>): Promise<PromResponse<T>> {
    const res = await fetch(
      `${this.url}/api/v1/${path}`,
      params
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(params),
          }
        : {},
    );
    return (await res.json()) as PromResponse<T>;
  }

  /** An instant query; fails the test when Prometheus cannot run it. */
  async query(expr: string): Promise<unknown[]> {
    const res = await this.api<{ result: unknown[] }>('query', { query: expr });
    assert.equal(res.status, 'success', `${expr}\n→ ${res.errorType}: ${res.error}`);
    return res.data.result;
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
