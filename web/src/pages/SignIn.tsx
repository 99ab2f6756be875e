/** Sign in with email and password; a first visit (no account yet) goes to onboarding. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { LoginSchema } from '../../../src/auth/auth.schema.js';
import { api } from '../api';
import { check, Field, type FieldErrors } from '../components/forms';
import { ThemeToggle } from '../components/ThemeToggle';
import { errorText, usePageTitle } from '../components/ui';

export default function SignIn() {
  usePageTitle('Sign in');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const signIn = useMutation({
    mutationFn: api.signIn,
    onSuccess: (session) => {
      queryClient.setQueryData(['session'], session);
      navigate(session.workspace ? '/today' : '/onboarding');
    },
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = check(LoginSchema, { email, password });
    setErrors(r.errors ?? {});
    if (r.data) signIn.mutate(r.data);
  };

  return (
    <div className="auth-page">
      <div className="auth-theme"><ThemeToggle /></div>
      <main id="main" className="card auth-card">
        <p className="brand"><span className="logo" aria-hidden="true">◆</span> Rapport</p>
        <h1>Sign in</h1>
        <p className="muted">Only have eyes for the people who matter.</p>
        <form className="form" onSubmit={submit} noValidate>
          <Field label="Email" error={errors.email}>
            {(p) => <input {...p} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Password" error={errors.password}>
            {(p) => <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          {signIn.error && <p className="error" role="alert">{errorText(signIn.error)}</p>}
          <button className="btn primary" type="submit" disabled={signIn.isPending}>{signIn.isPending ? 'Signing in…' : 'Sign in'}</button>
        </form>
        <p className="muted">
          New here? <Link to="/onboarding">Create your workspace</Link>
        </p>
      </main>
    </div>
  );
}
