import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The embedded server's entry point, compiled beside this library. */
const MAIN = join(__dirname, '..', 'embedded-s3', 'main.js');

export interface EmbeddedS3ProcessOptions {
  dir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** More environment (NODE_ENV, UPLOAD_MAX_BYTES, …). */
  env?: Record<string, string>;
}

function childEnv(opts: EmbeddedS3ProcessOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    EMBEDDED_S3_PORT: '0',
    EMBEDDED_S3_DIR: opts.dir,
    S3_ACCESS_KEY_ID: opts.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: opts.credentials.secretAccessKey,
    ...opts.env,
  };
}

/**
 * The embedded S3 server as the child process `npm start` runs, so that a request which
 * would end the process (an unhandled rejection, an uncaught exception) shows as its exit.
 */
export class EmbeddedS3Process {
  private stderrText = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {
    child.stderr!.on('data', (c: Buffer) => {
      this.stderrText += c.toString();
    });
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }

  static async start(opts: EmbeddedS3ProcessOptions): Promise<EmbeddedS3Process> {
    const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
      env: childEnv(opts),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let early = '';
    const collect = (c: Buffer) => (early += c.toString());
    child.stderr.on('data', collect);
    const endpoint = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const m = /"endpoint":"([^"]+)"/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`embedded S3 exited with ${code}: ${early}`)));
    });
    child.stderr.off('data', collect);
    const proc = new EmbeddedS3Process(child, endpoint);
    proc.stderrText = early;
    return proc;
  }

  /** Runs the server's entry point to its end (one that refuses to start); its code and stderr. */
  static run(opts: EmbeddedS3ProcessOptions, timeoutMs = 15_000) {
    return new Promise<{ code: number | null; stderr: string; stdout: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [MAIN], {
          env: childEnv(opts),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        let stdout = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`still running after ${timeoutMs} ms: ${stdout}`));
        }, timeoutMs);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr, stdout });
        });
      },
    );
  }

  get port(): number {
    return Number(new URL(this.endpoint).port);
  }

  /** How the process ended, if it has: a crash shows here. */
  get exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exit;
  }

  /** Everything the process wrote to stderr (its error log lines, a crash's stack). */
  get stderr(): string {
    return this.stderrText;
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
