// `npm run seed:mes -- --count 1000000`: fills the MES database (DATABASE_URL) with realistic
// work orders for the dashboard and its benchmark. Migrates first, so a fresh database works.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { databaseEnv, loadConfigOrExit } from '@fabflow/config';
import pg from 'pg';
import { ensureDatabase, migrate, readMigrations } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR, redactUrl } from '@fabflow/messaging';
import { seedWorkOrders } from './work-order-seed';

const USAGE = `usage: npm run seed:mes -- [--count N] [--batch N] [--days N]
  --count N   work orders to add (default 1000000)
  --batch N   rows per INSERT statement (default 50000)
  --days N    how far back the oldest was created (default 730)
The database is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mes).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '50000' },
      days: { type: 'string', default: '730' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (name: 'count' | 'batch' | 'days') => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < 1) {
      console.error(`--${name} must be a positive integer\n${USAGE}`);
      process.exit(2);
    }
    return v;
  };
  const count = int('count');
  const { DATABASE_URL } = loadConfigOrExit(databaseEnv('mes'), 'seed:mes');
  await ensureDatabase(DATABASE_URL);
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    application_name: 'fabflow-mes-seed',
  });
  try {
    await migrate(
      pool,
      await readMigrations(MESSAGING_MIGRATIONS_DIR, join(__dirname, '..', '..', 'migrations')),
    );
    const started = performance.now();
    console.log(
      `seeding ${count.toLocaleString('en')} work orders into ${redactUrl(DATABASE_URL)}`,
    );
    await seedWorkOrders(pool, {
      count,
      batchSize: int('batch'),
      days: int('days'),
      onProgress: (done, total) => {
        const s = (performance.now() - started) / 1000;
        process.stdout.write(
          `\r  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}  ${s.toFixed(1)} s`,
        );
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await pool.query<{ status: string; n: number }>(
      'SELECT status, sum(n)::int AS n FROM work_order_counts GROUP BY status ORDER BY n DESC',
    );
    console.log(`\ndone in ${seconds.toFixed(1)} s (with history, VACUUM and ANALYZE)`);
    for (const r of rows) console.log(`  ${r.status.padEnd(16)} ${r.n.toLocaleString('en')}`);
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
