import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process';

const exec = promisify(execFile);

async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root). */
function asPostgres(bin: string, args: string[]): Promise<{ stdout: string }> {
  return process.getuid?.() === 0
    ? exec('runuser', ['-u', 'postgres', '--', bin, ...args])
    : exec(bin, args);
}

/**
 * A PostgreSQL server of the test's own, on a free port in a temporary directory: fault tests
 * restart or stop it without touching the machine's server. Trust auth, user `postgres`.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = await binDir();
    const dir = await mkdtemp('/var/tmp/fabflow-pg-');
    if (process.getuid?.() === 0) await exec('chown', ['postgres:postgres', dir]);
    await asPostgres(join(bin, 'initdb'), [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
    ]);
    const pgsql = new PrivatePostgres(bin, dir, await freePort());
    await pgsql.ctl('start');
    return pgsql;
  }

  /**
   * A hot standby of this server, streaming its WAL (pg_basebackup -R), on a free port of its
   * own: for tests of reads from replicas. `destroy()` it before this one.
   */
  async startStandby(): Promise<PrivatePostgres> {
    const dir = await mkdtemp('/var/tmp/fabflow-pg-');
    if (process.getuid?.() === 0) await exec('chown', ['postgres:postgres', dir]);
    await asPostgres(join(this.bin, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-D',
      join(dir, 'data'),
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
      '--no-sync',
    ]);
    const standby = new PrivatePostgres(this.bin, dir, await freePort());
    await standby.ctl('start');
    return standby;
  }

  /** `fast` closes sessions cleanly; `immediate` is a crash: no checkpoint, recovery on start. */
  async restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.ctl('start');
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await asPostgres(join(this.bin, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-m',
      mode,
      '-w',
      'stop',
    ]);
  }

  /** Stops the server (if running) and deletes its files. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  async ctl(action: 'start'): Promise<void> {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.dir}`,
      '-c fsync=off',
      '-c max_connections=200',
    ].join(' ');
    await asPostgres(join(this.bin, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      options,
      '-w',
      action,
    ]);
  }
}
