import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from './isolation';
import { REPO_ROOT } from './service-process';
import { waitFor } from './wait-for';

const exec = promisify(execFile);

/**
 * This library's script (libs/testing/scripts/rabbitmq-cluster.sh): starts, stops, kills and
 * inspects the local 3-node cluster.
 */
export const RABBITMQ_CLUSTER_SCRIPT = join(
  REPO_ROOT,
  'libs',
  'testing',
  'scripts',
  'rabbitmq-cluster.sh',
);

/** rabbitmqctl's exit code when it cannot reach the node (EX_UNAVAILABLE). */
const NODE_UNREACHABLE = 69;

export interface RabbitClusterNode {
  /** Erlang node name, e.g. `fabflow-rmq1@host`. */
  name: string;
  /** AMQP port on 127.0.0.1. */
  port: number;
  /** `amqp://guest:guest@127.0.0.1:<port>` (no vhost). */
  url: string;
}

export interface ClusterVhost {
  vhost: string;
  /** One URL per node, in node order, with the vhost path (URL-encoded). */
  urls: string[];
  /** Deletes the vhost with its queues (a bound function: it may be passed around). */
  drop: () => Promise<void>;
}

interface ExecError extends Error {
  code?: number | string;
  stderr?: string;
}

async function script(args: string[], timeoutMs = 300_000): Promise<string> {
  try {
    const { stdout } = await exec('bash', [RABBITMQ_CLUSTER_SCRIPT, ...args], {
      cwd: REPO_ROOT,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as ExecError;
    const detail = e.stderr?.trim().split('\n').slice(-15).join('\n') ?? '';
    const wrapped: ExecError = new Error(
      `rabbitmq-cluster.sh ${args.join(' ')} failed (${e.code ?? e.message})${detail ? `:\n${detail}` : ''}`,
    );
    wrapped.code = e.code;
    throw wrapped;
  }
}

/** Is `pid` gone (no such process, or a zombie nobody has reaped yet)? */
async function processGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * The local 3-node RabbitMQ cluster (libs/testing/scripts/rabbitmq-cluster.sh) for fault tests: vhosts on it,
 * quorum queue leaders, nodes killed (SIGKILL) and restarted, the whole cluster stopped and
 * started. Needs root, like the script. Leaves the cluster running; `stopAll()` stops it.
 */
export class RabbitCluster {
  private constructor(readonly nodes: readonly RabbitClusterNode[]) {}

  /** Starts the cluster if it is not running (idempotent) and waits for all three nodes. */
  static async start(): Promise<RabbitCluster> {
    const lines = (await script(['start'])).trim().split('\n');
    const urls = lines[lines.length - 1]?.split(',') ?? [];
    const nodes = (await script(['nodes'])).trim().split('\n').map(parseNodeLine);
    if (urls.join(',') !== nodes.map((n) => n.url).join(',')) {
      throw new Error(`rabbitmq-cluster.sh start printed "${urls.join(',')}", not the node URLs`);
    }
    return new RabbitCluster(nodes);
  }

  /** The AMQP URLs (no vhost), in node order. */
  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** The node an AMQP URL (with or without a vhost path) points at. */
  nodeFor(url: string): RabbitClusterNode {
    const port = Number(new URL(url).port);
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`${url} is not a node of the cluster`);
    return node;
  }

  /** A fresh vhost (guest may use it) on the cluster; `drop()` deletes it with its queues. */
  async createVhost(prefix: string): Promise<ClusterVhost> {
    const vhost = uniqueName(`t_${prefix}`);
    await this.ctl(['add_vhost', vhost]);
    await this.ctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
    const urls = this.nodes.map((n) => {
      const url = new URL(n.url);
      url.pathname = `/${encodeURIComponent(vhost)}`;
      return url.toString();
    });
    return {
      vhost,
      urls,
      drop: () => this.ctl(['delete_vhost', vhost]).then(() => undefined),
    };
  }

  /** The node name of the leader of quorum queue `queue` in `vhost`. */
  async queueLeader(vhost: string, queue: string): Promise<string> {
    const out = await this.ctl([
      'list_queues',
      '-p',
      vhost,
      'name',
      'leader',
      '--formatter',
      'json',
    ]);
    const rows = JSON.parse(out) as { name: string; leader?: string }[];
    const row = rows.find((r) => r.name === queue);
    if (!row) throw new Error(`no queue "${queue}" in vhost "${vhost}"`);
    if (!row.leader || !this.nodes.some((n) => n.name === row.leader)) {
      throw new Error(
        `queue "${queue}" has no leader (${row.leader ?? 'none'}); is it a quorum queue?`,
      );
    }
    return row.leader;
  }

  /** The OS pid of a node's Erlang VM (beam.smp); fails if the node is not running. */
  async pid(name: string): Promise<number> {
    return Number((await script(['pid', String(this.indexOf(name))])).trim());
  }

  /** SIGKILLs a node's Erlang VM; resolves once the process is gone. */
  async killNode(name: string): Promise<void> {
    const pid = await this.pid(name);
    process.kill(pid, 'SIGKILL');
    await waitFor(`${name} (pid ${pid}) to exit`, () => processGone(pid), 15_000, 20);
  }

  /** Starts a killed or stopped node; resolves once it is running and back in the cluster. */
  async startNode(name: string): Promise<void> {
    await script(['start-node', String(this.indexOf(name))]);
  }

  /** Stops one node gracefully. */
  async stopNode(name: string): Promise<void> {
    await script(['stop-node', String(this.indexOf(name))]);
  }

  /** Stops the whole cluster gracefully (broker down). */
  async stopAll(): Promise<void> {
    await script(['stop']);
  }

  /** Starts the whole cluster again; durable queues declared before are still there. */
  async startAll(): Promise<void> {
    await script(['start']);
  }

  /** rabbitmqctl against the first node that answers (node 1 unless it is down). */
  async ctl(args: string[]): Promise<string> {
    let lastError: unknown;
    for (let i = 1; i <= this.nodes.length; i++) {
      try {
        return await script(['ctl', String(i), ...args], 120_000);
      } catch (err) {
        if ((err as ExecError).code !== NODE_UNREACHABLE) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  private indexOf(name: string): number {
    const i = this.nodes.findIndex((n) => n.name === name);
    if (i < 0) throw new Error(`${name} is not a node of the cluster`);
    return i + 1;
  }
}

function parseNodeLine(line: string): RabbitClusterNode {
  const [, name, port, url] = line.trim().split(/\s+/);
  if (!name || !port || !url) throw new Error(`unexpected rabbitmq-cluster.sh nodes line: ${line}`);
  return { name, port: Number(port), url };
}
