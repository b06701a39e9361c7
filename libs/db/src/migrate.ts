import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';

export interface Migration {
  name: string;
  sql: string;
}

const NAME = /^\d{14}_[a-z0-9_]+\.sql$/;
// One lock key for "migrations of this database"; concurrent starters wait for each other.
const LOCK_KEY = 727_001;

/** Reads `YYYYMMDDHHMMSS_name.sql` files from one or more folders, in name order. */
export async function readMigrations(...dirs: string[]): Promise<Migration[]> {
  const all: Migration[] = [];
  for (const dir of dirs) {
    for (const file of await readdir(dir)) {
      if (!file.endsWith('.sql')) continue;
      if (!NAME.test(file))
        throw new Error(`Migration file "${file}" must be named YYYYMMDDHHMMSS_name.sql`);
      all.push({ name: file, sql: await readFile(join(dir, file), 'utf8') });
    }
  }
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock.
 * A landed migration whose file changed is an error: migrations are never edited.
 */
export async function migrate(pool: pg.Pool, migrations: Migration[]): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM schema_migrations',
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const done: string[] = [];
    for (const m of migrations) {
      const sum = checksum(m.sql);
      const existing = applied.get(m.name);
      if (existing !== undefined) {
        if (existing !== sum)
          throw new Error(`Migration ${m.name} was edited after it was applied`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [
          m.name,
          sum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
