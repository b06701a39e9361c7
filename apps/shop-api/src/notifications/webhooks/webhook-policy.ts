export type AttemptResult =
  | { kind: 'success'; status: number }
  | { kind: 'retry'; status: number | null; error: string | null; retryAfterMs?: number }
  | { kind: 'fail'; status: number; error: string };

/**
 * What an answer means: 2xx delivered; 408, 429 and 5xx (and connection errors, timeouts)
 * are worth retrying, honouring a 429's Retry-After; a redirect is not followed (it could point
 * anywhere) and, like any other status, is the receiver refusing the event: not retried.
 */
export function classifyResponse(status: number, retryAfter: string | null): AttemptResult {
  if (status >= 200 && status < 300) return { kind: 'success', status };
  if (status >= 300 && status < 400)
    return { kind: 'fail', status, error: `HTTP ${status}: redirects are not followed` };
  if (status === 408 || status === 429 || status >= 500) {
    const seconds =
      retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    return {
      kind: 'retry',
      status,
      error: `HTTP ${status}`,
      ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}),
    };
  }
  return { kind: 'fail', status, error: `HTTP ${status}: not retried` };
}

/**
 * Exponential backoff with jitter: base · 2^(attempt-1), capped, then drawn from [½, 1] of
 * that ("equal jitter"), so retries of many deliveries spread out; never sooner than a
 * Retry-After the receiver asked for.
 */
export function retryDelayMs(
  attempt: number,
  opts: { baseMs: number; maxMs: number },
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  return Math.max(Math.round(jittered), Math.min(retryAfterMs, opts.maxMs));
}
