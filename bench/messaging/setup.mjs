// Environment: own databases and vhost, cleaned up at the end, on error and on Ctrl-C.
import pg from 'pg';
import { onCleanup } from '../common/cleanup.mjs';
import {
  MESSAGING_MIGRATIONS_DIR,
  createTestDatabase,
  createTestVhost,
  migrate,
  readMigrations,
} from './libs.mjs';

const SHOP_SQL = `CREATE TABLE orders (
  id uuid PRIMARY KEY, customer_id uuid NOT NULL, status text NOT NULL, item jsonb NOT NULL,
  total_cents integer NOT NULL, currency text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp())`;
const CRM_SQL = `CREATE TABLE effects (
  order_id uuid PRIMARY KEY, event_id uuid NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp())`;

export async function setupEnvironment() {
  // Two databases, as in production: the publishing service (shop: orders + outbox) and the
  // consuming service (crm: inbox + effects) each own one, on the same Postgres server.
  const created = await Promise.allSettled([
    createTestDatabase('bench_shop'),
    createTestDatabase('bench_crm'),
    createTestVhost('bench'),
  ]);
  for (const c of created) if (c.status === 'fulfilled') onCleanup(() => c.value.drop());
  const failed = created.find((c) => c.status === 'rejected');
  if (failed) throw failed.reason;
  const [shopPg, crmPg, vhost] = created.map((c) => c.value);
  const migrations = await readMigrations(MESSAGING_MIGRATIONS_DIR);
  for (const [db, extra] of [
    [shopPg, SHOP_SQL],
    [crmPg, CRM_SQL],
  ]) {
    const c = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      await migrate(c, migrations);
      await c.query(extra);
    } finally {
      await c.end();
    }
  }
  return { shopUrl: shopPg.url, crmUrl: crmPg.url, amqpUrl: vhost.url, shopPg, crmPg, vhost };
}

/** Runs `fn(client)` on a fresh pg client of `url`, then closes it. */
export async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Empties the benchmark tables and checkpoints, so each phase starts from the same state. */
export async function resetTables(env) {
  for (const [url, tables] of [
    [env.shopUrl, 'orders, outbox, inbox'],
    [env.crmUrl, 'effects, outbox, inbox'],
  ]) {
    await withClient(url, async (c) => {
      await c.query(`TRUNCATE ${tables}`);
      await c.query('CHECKPOINT');
    });
  }
}
