/** True for a Postgres unique violation, optionally on one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

// SQLSTATE classes and codes that mean "the database is briefly unavailable or the transaction
// lost a race", not "this request is wrong": 08 connection exception, 57P01–57P03 shutdown and
// startup, 53300 too many connections, 40001 serialization failure, 40P01 deadlock.
const TRANSIENT_CODES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** True when retrying the same work later can succeed: the server was down or restarting. */
export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (!e) return false;
  if (typeof e.code === 'string') {
    if (e.code.startsWith('08') || TRANSIENT_CODES.has(e.code)) return true;
    if (TRANSIENT_NODE_CODES.has(e.code)) return true;
  }
  return (
    typeof e.message === 'string' && TRANSIENT_MESSAGES.some((re) => re.test(e.message as string))
  );
}
