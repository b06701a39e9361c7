/** A readiness dependency: resolves when reachable, rejects with the reason when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** What /health/ready answers: each dependency up or down, never why (that is logged). */
export interface HealthReport {
  status: 'ok' | 'error';
  checks: Record<string, { status: 'up' | 'down' }>;
}

/** Hears why a dependency is down: the details go to the log, not to the caller. */
export type HealthFailureListener = (check: string, err: Error) => void;

const withTimeout = (p: Promise<void>, ms: number) =>
  Promise.race([
    p,
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);

/**
 * Runs every check at once, each bounded by `timeoutMs`, into the `/health/ready` shape the
 * services and the worker answer with: `ok` only when every dependency is up. The public
 * answer names no error (an address, a user name or a driver message would leak to anyone);
 * `onDown` gets each failure for the log.
 */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  onDown: HealthFailureListener,
  timeoutMs = 2000,
): Promise<HealthReport> {
  const results: HealthReport['checks'] = {};
  await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), timeoutMs);
        results[c.name] = { status: 'up' };
      } catch (err) {
        results[c.name] = { status: 'down' };
        onDown(c.name, err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );
  const ok = Object.values(results).every((r) => r.status === 'up');
  return { status: ok ? 'ok' : 'error', checks: results };
}
