/** A readiness dependency: resolves when reachable, rejects with the reason when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'error';
  checks: Record<string, { status: 'up' | 'down'; error?: string }>;
}

const withTimeout = (p: Promise<void>, ms: number) =>
  Promise.race([
    p,
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);

/**
 * Runs every check at once, each bounded by `timeoutMs`, into the `/health/ready` shape the
 * services and the worker answer with: `ok` only when every dependency is up.
 */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs = 2000,
): Promise<HealthReport> {
  const results: HealthReport['checks'] = {};
  await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), timeoutMs);
        results[c.name] = { status: 'up' };
      } catch (err) {
        results[c.name] = { status: 'down', error: (err as Error).message };
      }
    }),
  );
  const ok = Object.values(results).every((r) => r.status === 'up');
  return { status: ok ? 'ok' : 'error', checks: results };
}
