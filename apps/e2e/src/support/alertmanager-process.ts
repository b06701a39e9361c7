import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, REPO_ROOT } from '@fabflow/testing';
import { answersOk, BinaryProcess } from './binary-process';

const exec = promisify(execFile);
const SOURCE = join(REPO_ROOT, 'deploy', 'alertmanager');

export interface AlertmanagerOptions {
  /** The ALERT_* variables deploy/alertmanager/render-config.sh renders the configuration from. */
  env: Record<string, string>;
  /** Test-only: notification timings instead of the configuration's (tens of seconds, minutes). */
  groupWait: string;
  groupInterval: string;
}

/**
 * Alertmanager (Debian package prometheus-alertmanager) on the configuration of deploy/alertmanager,
 * rendered by its own render-config.sh as compose does and checked with `amtool check-config`;
 * only the grouping timings are shortened for the test. Clustering is off (no fixed port).
 */
export class AlertmanagerProcess {
  private constructor(
    readonly hostPort: string,
    private readonly dir: string,
    private readonly proc: BinaryProcess,
  ) {}

  static async start(opts: AlertmanagerOptions): Promise<AlertmanagerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'fabflow-alertmanager-'));
    try {
      const out = join(dir, 'config');
      await exec('sh', [join(SOURCE, 'render-config.sh'), SOURCE, out], {
        env: { PATH: process.env.PATH, ...opts.env },
      });
      const config = join(out, 'alertmanager.yml');
      writeFileSync(
        config,
        readFileSync(config, 'utf8')
          .replace(/^(\s+group_wait:) .*$/gm, `$1 ${opts.groupWait}`)
          .replace(/^(\s+group_interval:) .*$/gm, `$1 ${opts.groupInterval}`),
      );
      await exec('amtool', ['check-config', config]);
      const port = await freePort();
      const proc = await BinaryProcess.start(
        'alertmanager-e2e',
        '/usr/bin/prometheus-alertmanager',
        [
          `--config.file=${config}`,
          `--storage.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
        ],
        () => answersOk(`http://127.0.0.1:${port}/-/ready`),
      );
      return new AlertmanagerProcess(`127.0.0.1:${port}`, dir, proc);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
