import { useCallback, useEffect, useState } from 'react';
import { ApiError, dashboardConfig, login } from './api';
import { LoginForm } from './components/login-form';
import type { Session } from './types';
import { WorkQueue } from './work-queue';

const KEY = 'fabflow.mes.session';

// Per tab (sessionStorage): closing the tab logs out; two tabs may be two people.
function savedSession(): Session | null {
  try {
    const s = sessionStorage.getItem(KEY);
    return s ? (JSON.parse(s) as Session) : null;
  } catch {
    return null;
  }
}

export function App() {
  const [loginUrl, setLoginUrl] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(savedSession);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    dashboardConfig().then(
      (c) => setLoginUrl(c.loginUrl),
      () => setError('cannot load the dashboard settings; reload the page'),
    );
  }, []);

  const logout = useCallback(() => {
    sessionStorage.removeItem(KEY);
    setSession(null);
  }, []);

  const onLogin = async (email: string, password: string) => {
    if (!loginUrl) return;
    setError(null);
    try {
      const t = await login(loginUrl, email, password);
      if (t.role !== 'operator' && t.role !== 'admin') {
        setError(`the ${t.role} role cannot use the work queue`);
        return;
      }
      const s = { token: t.accessToken, userId: t.userId, role: t.role, email };
      sessionStorage.setItem(KEY, JSON.stringify(s));
      setSession(s);
    } catch (err) {
      setError(
        err instanceof ApiError
          ? err.detail
          : `cannot reach the login service (${(err as Error).message})`,
      );
    }
  };

  return session ? (
    <WorkQueue session={session} onLogout={logout} />
  ) : (
    <LoginForm onLogin={onLogin} error={error} />
  );
}
