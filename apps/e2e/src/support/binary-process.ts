import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, waitFor } from '@fabflow/testing';

/**
 * A server from a Debian package (Prometheus, Alertmanager, an exporter, nginx, mtail) as a child
 * process of the test, its output in test-results/<name>.log. Ready when `ready()` says so; a
 * process that exits first fails the wait with its exit code.
 */
export class BinaryProcess {
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(
    name: string,
    command: string,
    args: string[],
    ready: () => Promise<boolean>,
    env: Record<string, string> = {},
  ): Promise<BinaryProcess> {
    const logDir = join(REPO_ROOT, 'test-results');
    mkdirSync(logDir, { recursive: true });
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, ...env },
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`${command}: ${err.message} (see .ci/run)`)));
    });
    const proc = new BinaryProcess(name, child);
    try {
      await waitFor(
        `${name} ready`,
        async () => {
          if (child.exitCode !== null)
            throw new Error(`${name} exited with ${child.exitCode} (test-results/${name}.log)`);
          return ready().catch(() => false);
        },
        30_000,
        100,
      );
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return proc;
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Whether `url` answers 2xx. */
export const answersOk = async (url: string): Promise<boolean> => {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.ok;
};
