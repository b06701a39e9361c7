import { useCallback, useEffect, useState } from 'react';
import { ApiError, dashboardConfig, login } from './api';
import { AuthSession, sessionFrom } from './auth-session';
import { LoginForm } from './components/login-form';
import type { AuthUrls, Session } from './types';
import { WorkQueue } from './work-queue';

const KEY = 'fabflow.mes.session';

// Per tab (sessionStorage): closing the tab forgets the session; two tabs may be two people.
function savedSession(): Session | null {
  try {
    const s = sessionStorage.getItem(KEY);
    const session = s ? (JSON.parse(s) as Partial<Session>) : null;
    // A session saved by an older page (one token, no refresh token) is no use.
    return session?.refreshToken ? (session as Session) : null;
  } catch {
    return null;
  }
}

export function App() {
  const [urls, setUrls] = useState<AuthUrls | null>(null);
  const [auth, setAuth] = useState<AuthSession | null>(null);
  const [error, setError] = useState<string | null>(null);

  const keep = useCallback(
    (session: Session, u: AuthUrls) => {
      sessionStorage.setItem(KEY, JSON.stringify(session));
      setAuth(
        new AuthSession(
          session,
          u,
          (s) => sessionStorage.setItem(KEY, JSON.stringify(s)),
          () => {
            sessionStorage.removeItem(KEY);
            setAuth(null);
          },
        ),
      );
    },
    [setAuth],
  );

  useEffect(() => {
    let cancelled = false;
    dashboardConfig().then(
      (c) => {
        if (cancelled) return;
        setUrls(c);
        const saved = savedSession();
        if (saved) keep(saved, c);
      },
      () => setError('cannot load the dashboard settings; reload the page'),
    );
    return () => {
      cancelled = true;
    };
  }, [keep]);

  // A replaced or dropped session stops renewing itself.
  useEffect(() => () => auth?.stop(), [auth]);

  const onLogin = async (email: string, password: string) => {
    if (!urls) return;
    setError(null);
    try {
      const t = await login(urls.loginUrl, email, password);
      if (t.role !== 'operator' && t.role !== 'admin') {
        setError(`the ${t.role} role cannot use the work queue`);
        return;
      }
      keep(sessionFrom(t, email), urls);
    } catch (err) {
      setError(
        err instanceof ApiError
          ? err.detail
          : `cannot reach the login service (${(err as Error).message})`,
      );
    }
  };

  if (auth) return <WorkQueue auth={auth} onLogout={() => void auth.logout()} />;
  if (!urls && !error) return <p className="muted">Loading…</p>;
  return <LoginForm onLogin={onLogin} error={error} />;
}
