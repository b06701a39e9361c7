import { nextDay } from './format';
import type { Filters, Login } from './types';

/** A problem+json answer (RFC 9457), as every Fabflow service gives for 4xx and 5xx. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly allowed?: string[],
  ) {
    super(detail);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const p = (body ?? {}) as { detail?: string; title?: string; allowed?: string[] };
    throw new ApiError(res.status, p.detail ?? p.title ?? `HTTP ${res.status}`, p.allowed);
  }
  return body as T;
}

/** Staff log in at the CRM (another origin: it allows this one by CORS). */
export async function login(loginUrl: string, email: string, password: string): Promise<Login> {
  const res = await fetch(loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return parse<Login>(res);
}

export async function dashboardConfig(): Promise<{ loginUrl: string }> {
  return parse(await fetch('/dashboard/config.json'));
}

/** mes-api, same origin, with the operator's token. */
export class MesApi {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401) this.onUnauthorized();
    return parse<T>(res);
  }
}

/**
 * The list and counts query of the filters. "Overdue" is "due before now", rounded down to the
 * minute so that every dashboard asking in that minute shares one cache entry.
 */
export function filterQuery(f: Filters, opts: { statuses: boolean }): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.statuses && f.statuses.length > 0) q.set('status', f.statuses.join(','));
  if (f.priority) q.set('priority', f.priority);
  if (f.machine) q.set('machine', f.machine);
  if (f.material) q.set('material', f.material);
  if (f.dueFrom) q.set('dueFrom', f.dueFrom);
  let before = f.dueTo ? `${nextDay(f.dueTo)}T00:00:00Z` : '';
  if (f.overdue) {
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    if (!before || now < before) before = now;
  }
  if (before) q.set('dueBefore', before);
  if (f.assignee !== 'any') q.set('assignee', f.assignee);
  return q;
}
