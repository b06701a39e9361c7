import { ApiError, logout, refresh, type AccessTokens } from './api';
import type { AuthUrls, Login, Session } from './types';

export type RenewOutcome = Awaited<ReturnType<AccessTokens['renew']>>;

/** A session from the CRM's answer to a login or a refresh. */
export function sessionFrom(t: Login, email: string): Session {
  return {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    accessExpiresAt: Date.now() + t.expiresIn * 1000,
    userId: t.userId,
    role: t.role,
    email,
  };
}

/**
 * Keeps an operator logged in for their whole shift: the access token lives minutes, so it is
 * exchanged (with the refresh token, which is used up each time) shortly before it expires,
 * and once more when mes-api answers 401. Only one exchange runs at a time: presenting a used
 * refresh token twice would end the session. The session ends (`onEnd`) when the CRM refuses
 * the refresh token (logged out, deactivated, session too old) or on logout.
 */
export class AuthSession implements AccessTokens {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<RenewOutcome> | undefined;
  private ended = false;

  constructor(
    private current: Session,
    private readonly urls: AuthUrls,
    private readonly onChange: (s: Session) => void,
    private readonly onEnd: () => void,
  ) {
    this.schedule();
  }

  get session(): Session {
    return this.current;
  }

  token(): string {
    return this.current.accessToken;
  }

  renew(): Promise<RenewOutcome> {
    this.renewing ??= this.exchange().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  async logout(): Promise<void> {
    this.stop();
    this.ended = true;
    // Ended here whatever the CRM says: the tab forgets the tokens either way.
    await logout(this.urls.logoutUrl, this.current.refreshToken).catch(() => undefined);
    this.onEnd();
  }

  /** Stops the timer (the page is gone or another session replaced this one). */
  stop(): void {
    clearTimeout(this.timer);
  }

  private async exchange(): Promise<RenewOutcome> {
    if (this.ended) return 'ended';
    try {
      const t = await refresh(this.urls.refreshUrl, this.current.refreshToken);
      this.current = sessionFrom(t, this.current.email);
      this.onChange(this.current);
      this.schedule();
      return 'renewed';
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
        this.stop();
        this.ended = true;
        this.onEnd();
        return 'ended';
      }
      // The CRM is unreachable or busy: keep the session and try again soon.
      this.schedule(5000);
      return 'failed';
    }
  }

  /** Next exchange: a minute (or a quarter of what is left, if less) before expiry. */
  private schedule(delayMs?: number): void {
    this.stop();
    const left = this.current.accessExpiresAt - Date.now();
    const wait = delayMs ?? Math.max(1000, left - Math.min(60_000, left / 4));
    this.timer = setTimeout(() => void this.renew(), wait);
  }
}
