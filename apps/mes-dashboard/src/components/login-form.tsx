import { useState, type FormEvent } from 'react';

export function LoginForm(props: {
  onLogin: (email: string, password: string) => Promise<void>;
  error: string | null;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    void props.onLogin(email, password).finally(() => setBusy(false));
  };
  return (
    <form className="login" onSubmit={submit} aria-label="Operator login">
      <h1>Fabflow MES</h1>
      <p>Operators, managers and admins log in with their staff account.</p>
      <label>
        Email
        <input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
