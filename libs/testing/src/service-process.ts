import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { waitFor } from './wait-for';

/** The repository root, from this compiled file at libs/testing/dist. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** The compiled entry point of an app (`apps/<name>/dist/main.js`, written by `npm run build`). */
export function serviceMain(name: string): string {
  return join(REPO_ROOT, 'apps', name, 'dist', 'main.js');
}

/** A free TCP port on 127.0.0.1 (asked of the OS). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port')),
      );
    });
  });
}

/**
 * A built service (`apps/<name>/dist/main.js`) run as a real child process, logging to
 * test-results/<log>.log. It can be stopped (SIGTERM), killed (SIGKILL) and started again.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logName = name,
    /** What answers 200 once the process is ready (a process without /health: its /metrics). */
    private readonly readyPath = '/health/ready',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The same service on the same port, with `env` on top of this one's (not started). */
  withEnv(env: Record<string, string>): ServiceProcess {
    return new ServiceProcess(
      this.name,
      this.port,
      { ...this.env, ...env },
      this.logName,
      this.readyPath,
    );
  }

  /** Another instance of the same service, configured alike, on `port` (not started). */
  onPort(port: number): ServiceProcess {
    return new ServiceProcess(this.name, port, this.env, `${this.logName}-${port}`, this.readyPath);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const dir = join(REPO_ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    const log = createWriteStream(join(dir, `${this.logName}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['--enable-source-maps', serviceMain(this.name)], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: String(this.port),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.child = child;
    this.exited = new Promise((res) => child.once('exit', (code) => res(code)));
    await this.waitReady();
  }

  async waitReady(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${this.name} ready`,
      async () => {
        if (this.child?.exitCode !== null)
          throw new Error(`${this.name} exited with ${this.child?.exitCode}`);
        const res = await fetch(`${this.url}${this.readyPath}`);
        return res.ok;
      },
      timeoutMs,
      100,
    );
  }

  /** Graceful stop; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exited!;
  }

  /** Crash: SIGKILL, no cleanup. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
