import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { REPO_ROOT } from './service-process';

const exec = promisify(execFile);

/**
 * This library's script (libs/testing/scripts/redis-sentinel.sh): starts, kills and inspects the
 * local Redis primary, replica and Sentinels.
 */
export const REDIS_SENTINEL_SCRIPT = join(
  REPO_ROOT,
  'libs',
  'testing',
  'scripts',
  'redis-sentinel.sh',
);

/** The master group name the script's Sentinels monitor. */
export const REDIS_SENTINEL_NAME = 'fabflow';

export type RedisNode = 'server1' | 'server2' | 'sentinel1' | 'sentinel2' | 'sentinel3';

async function script(args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await exec('bash', [REDIS_SENTINEL_SCRIPT, ...args], {
      cwd: REPO_ROOT,
      timeout: timeoutMs,
    });
    return stdout.trim();
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: unknown };
    const detail = e.stderr?.trim().split('\n').slice(-10).join('\n') ?? '';
    throw new Error(`redis-sentinel.sh ${args.join(' ')} failed (${String(e.code)}):\n${detail}`);
  }
}

/**
 * The local Redis with Sentinel (libs/testing/scripts/redis-sentinel.sh) for fault tests: a primary, a replica
 * and three Sentinels on fixed ports (run under `flock /tmp/fabflow-chaos.lock`). The services
 * get `env` (REDIS_SENTINELS, REDIS_SENTINEL_NAME) and follow failovers by themselves.
 */
export class RedisSentinelGroup {
  private constructor(readonly sentinels: string) {}

  /** Starts whatever is not running and waits until primary, replica and Sentinels agree. */
  static async start(): Promise<RedisSentinelGroup> {
    const lines = (await script(['start'])).split('\n');
    return new RedisSentinelGroup(lines[lines.length - 1] ?? '');
  }

  /** The services' environment for this group. */
  get env(): Record<string, string> {
    return { REDIS_SENTINELS: this.sentinels, REDIS_SENTINEL_NAME };
  }

  /** The port of the primary the Sentinels name now. */
  async primaryPort(): Promise<number> {
    return Number(await script(['primary']));
  }

  /** The server node (`server1`/`server2`) listening on `port`. */
  static serverOn(port: number): RedisNode {
    if (port === 6391) return 'server1';
    if (port === 6392) return 'server2';
    throw new Error(`no server of the group on port ${port}`);
  }

  /** SIGKILLs one node; resolves once it is gone. */
  async kill(node: RedisNode): Promise<void> {
    await script(['kill', node]);
  }

  /** SIGKILLs every server and Sentinel: all of Redis down. */
  async killAll(): Promise<void> {
    await script(['kill-all']);
  }

  /** Starts one node again (it answers; Sentinel makes an old primary a replica shortly after). */
  async startNode(node: RedisNode): Promise<void> {
    await script(['start-node', node]);
  }

  /** Waits until a primary, its replica and the three Sentinels agree again. */
  async waitHealthy(): Promise<void> {
    await script(['wait']);
  }

  /** Starts everything that is not running (after killAll) and waits until healthy. */
  async startAll(): Promise<void> {
    await script(['start']);
  }

  async stop(): Promise<void> {
    await script(['stop']);
  }

  /** Stops everything and deletes the data: the next start begins afresh (server1 primary). */
  async wipe(): Promise<void> {
    await script(['wipe']);
  }

  /** A client of the current primary through the Sentinels (for the test's own reads). */
  client(): Redis {
    const redis = new Redis({
      sentinels: this.sentinels.split(',').map((s) => {
        const [host, port] = s.split(':');
        return { host: host!, port: Number(port) };
      }),
      name: REDIS_SENTINEL_NAME,
      maxRetriesPerRequest: null,
    });
    redis.on('error', () => undefined);
    return redis;
  }
}
