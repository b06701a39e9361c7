// The run's own database (seeded, with the naive baseline's copy), vhost and two mes-api
// processes on them; all undone at the end unless --keep.
import pg from 'pg';
import { opts } from './cli-args.mjs';
import { onCleanup } from '../common/cleanup.mjs';
import {
  createTestVhost,
  dropDatabase,
  freePort,
  MES_MIGRATIONS_DIR,
  MESSAGING_MIGRATIONS_DIR,
  migrate,
  readMigrations,
  seedWorkOrders,
  ServiceProcess,
  testDatabaseUrl,
  TestTokenIssuer,
  testEnv,
  uniqueName,
} from './libs.mjs';
import { now } from './stats.mjs';

/** A bench operator nobody in the seed is: "mine" holds only what the bench claimed. */
export const BENCH_OPERATOR = '00000000-0000-7000-8000-0000000be001';

// The naive baseline: the same rows with only a primary key — no index for any filter or
// the sort — read with OFFSET and one detail query per row.
const NAIVE_COPY = [
  `DROP TABLE IF EXISTS naive_work_orders`,
  `CREATE TABLE naive_work_orders AS
     SELECT id, order_id, status, sku, material, quantity, priority, assignee_id, quote_id,
            machine_id, version, due_at, created_at, updated_at, good_quantity, scrap_quantity,
            rework_quantity
     FROM work_orders`,
  `ALTER TABLE naive_work_orders ADD PRIMARY KEY (id)`,
  `VACUUM (ANALYZE) naive_work_orders`,
];

async function prepareDatabase() {
  if (opts.reuse) {
    const url = testDatabaseUrl(opts.reuse);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM work_orders');
    await pool.end();
    console.error(`reusing ${opts.reuse}: ${rows[0].n.toLocaleString('en')} work orders`);
    return { name: opts.reuse, url, seedSeconds: null, rows: rows[0].n };
  }
  const name = uniqueName('t_bench_mes');
  const admin = new pg.Client({ connectionString: testEnv.TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  if (opts.keep) console.error(`database ${name} will be kept (--reuse ${name} next time)`);
  else onCleanup(() => dropDatabase(name));
  const url = testDatabaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await migrate(pool, await readMigrations(MESSAGING_MIGRATIONS_DIR, MES_MIGRATIONS_DIR));
    console.error(`seeding ${opts.count.toLocaleString('en')} work orders…`);
    const t0 = now();
    await seedWorkOrders(pool, {
      count: opts.count,
      onProgress: (done, total) =>
        process.stderr.write(`\r  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`),
    });
    const seedSeconds = (now() - t0) / 1000;
    console.error(`\n  seeded in ${seedSeconds.toFixed(1)} s; copying the naive baseline table…`);
    for (const q of NAIVE_COPY) await pool.query(q);
    return { name, url, seedSeconds, rows: opts.count };
  } finally {
    await pool.end();
  }
}

export async function setupEnvironment() {
  const database = await prepareDatabase();
  if (opts.reuse) {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const { rows } = await pool.query(`SELECT to_regclass('naive_work_orders') AS t`);
    if (!rows[0].t) for (const q of NAIVE_COPY) await pool.query(q);
    await pool.end();
  }
  const vhost = await createTestVhost('bench_mes');
  onCleanup(() => vhost.drop());
  // Staff tokens as the CRM signs them, its JWKS served by the bench (no CRM needed).
  const staff = await TestTokenIssuer.start();
  onCleanup(() => staff.stop());
  const env = {
    AMQP_URLS: vhost.url,
    DATABASE_URL: database.url,
    REDIS_URL: testEnv.TEST_REDIS_URL,
    ...staff.env,
  };
  // Two instances, as behind a load balancer: changes through one, live updates on the other.
  const a = new ServiceProcess('mes-api', await freePort(), env, 'bench-mes-a');
  const b = new ServiceProcess('mes-api', await freePort(), env, 'bench-mes-b');
  await a.start();
  onCleanup(() => a.stop());
  await b.start();
  onCleanup(() => b.stop());
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  onCleanup(() => pool.end());
  // 15 minutes: the measurements after the seed take less.
  const token = await staff.token(BENCH_OPERATOR, 'operator');
  return { database, a, b, pool, token, env };
}
