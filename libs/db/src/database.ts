import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';

// bigint (int8) and numeric come back as strings by default; counts are small enough for number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type { Kysely, Transaction } from 'kysely';

export interface Database<DB> {
  pool: pg.Pool;
  db: Kysely<DB>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  max?: number;
  applicationName?: string;
  onError?: (err: Error) => void;
}

/**
 * A pg pool and a typed Kysely handle over it. A client's connection error (a Postgres
 * restart) is reported, never thrown as an unhandled 'error' event — also for a client checked
 * out between two queries of a transaction, which the pool itself does not listen to. The
 * next query on that client fails (a transient error the caller retries) and the pool
 * replaces it.
 */
export function createDatabase<DB>(url: string, opts: DatabaseOptions = {}): Database<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // The pool's own 'error' (an idle client) needs a listener; the client listener reports it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', (err) => opts.onError?.(err)));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    db,
    close: () => db.destroy(),
  };
}

/** Runs `fn` in one transaction; the transaction handle is passed explicitly. */
export function inTransaction<DB, T>(
  db: Kysely<DB>,
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(fn);
}

/** Creates the database named in `url` if it does not exist (safe when several start at once). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsupported database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount !== 0) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
      return true;
    } catch (err) {
      // 42P04 duplicate_database, 23505 unique_violation: another instance created it first.
      const code = (err as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw err;
    }
  } finally {
    await client.end();
  }
}
