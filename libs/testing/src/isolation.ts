import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { testEnv } from './test-env';

const exec = promisify(execFile);

/** A name no other test run uses: `prefix_<time>_<random>`, safe as a database or vhost name. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh database on the real Postgres server; `drop()` removes it. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(`t_${prefix}`);
  const admin = new pg.Client({ connectionString: testEnv.TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(testEnv.TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => dropDatabase(name),
  };
}

/** A database URL for a name that does not exist yet (to test creation on start). */
export function testDatabaseUrl(name: string): string {
  const url = new URL(testEnv.TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: testEnv.TEST_PG_URL });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

export interface TestVhost {
  vhost: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh RabbitMQ vhost (guest may use it); `drop()` deletes it with its queues. */
export async function createTestVhost(prefix: string): Promise<TestVhost> {
  const vhost = uniqueName(`t_${prefix}`);
  const ctl = testEnv.TEST_RABBITMQCTL;
  await exec(ctl, ['add_vhost', vhost]);
  await exec(ctl, ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const url = new URL(testEnv.TEST_AMQP_URL);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return {
    vhost,
    url: url.toString(),
    drop: () => exec(ctl, ['delete_vhost', vhost]).then(() => undefined),
  };
}
