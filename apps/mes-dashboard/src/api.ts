import { nextDay } from './format';
import type { AuthUrls, Filters, Login } from './types';

/** The current access token, and a way to get a new one after a 401 (see AuthSession). */
export interface AccessTokens {
  token(): string;
  renew(): Promise<'renewed' | 'ended' | 'failed'>;
}

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

const postJson = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Staff log in at the CRM (another origin: it allows this one by CORS). */
export async function login(loginUrl: string, email: string, password: string): Promise<Login> {
  return parse<Login>(await postJson(loginUrl, { email, password }));
}

/** A new access and refresh token for a refresh token (which is used up). */
export async function refresh(refreshUrl: string, refreshToken: string): Promise<Login> {
  return parse<Login>(await postJson(refreshUrl, { refreshToken }));
}

/** Ends the session of a refresh token at the CRM. */
export async function logout(logoutUrl: string, refreshToken: string): Promise<void> {
  await parse<undefined>(await postJson(logoutUrl, { refreshToken }));
}

export async function dashboardConfig(): Promise<AuthUrls> {
  return parse(await fetch('/dashboard/config.json'));
}

/**
 * mes-api, same origin, with the operator's current access token. A 401 renews the session
 * once and repeats the request; if the session cannot be renewed, the 401 stands.
 */
export class MesApi {
  constructor(private readonly auth: AccessTokens) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const send = () =>
      fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${this.auth.token()}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let res = await send();
    if (res.status === 401 && (await this.auth.renew()) === 'renewed') res = await send();
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
