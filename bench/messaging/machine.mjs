// What the run ran on: the machine, Node, RabbitMQ, and the Postgres settings that matter.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { cpuScope } from './cpu.mjs';
import { withClient } from './setup.mjs';
import { round } from './stats.mjs';

const exec = promisify(execFile);

async function postgresSettings(env) {
  const pgHost = new URL(env.shopUrl).searchParams.get('host');
  const settings = { transport: pgHost?.startsWith('/') ? `unix socket ${pgHost}` : 'tcp' };
  await withClient(env.shopUrl, async (c) => {
    settings.version = (await c.query('SHOW server_version')).rows[0].server_version;
    for (const s of [
      'fsync',
      'synchronous_commit',
      'wal_sync_method',
      'shared_buffers',
      'max_connections',
      'commit_delay',
    ])
      settings[s] = (await c.query(`SHOW ${s}`)).rows[0][s];
    const others = await c.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND datname NOT IN ($1, $2) AND pid <> pg_backend_pid()`,
      [env.shopPg.name, env.crmPg.name],
    );
    settings.otherClientBackends = others.rows[0].n;
  });
  return settings;
}

export async function machineFacts(env) {
  const settings = await postgresSettings(env);
  let rabbitmq = 'unknown';
  try {
    const ctl = process.env.TEST_RABBITMQCTL || 'rabbitmqctl';
    rabbitmq = (await exec(ctl, ['version'])).stdout.trim();
  } catch {
    // the broker version stays unknown; not worth failing the run for
  }
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim(),
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    loadavgAtStart: os.loadavg().map((v) => round(v, 2)),
    node: process.version,
    rabbitmq,
    rabbitmqPid: cpuScope.brokerPid ?? null,
    postgres: settings,
  };
}
