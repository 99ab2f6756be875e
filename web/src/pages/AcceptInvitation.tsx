/**
 * The invitation link of the invitation mail (/invite/TOKEN): choose a password (the server's
 * rule, checked here first) and join the workspace, signed in to it. Someone who already has
 * an account with the invited address gives that account's password instead.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, NewPasswordSchema } from '../../../src/auth/auth.schema.js';
import { api } from '../api';
import { check, Field, type FieldErrors } from '../components/forms';
import { ThemeToggle } from '../components/ThemeToggle';
import { errorText, usePageTitle } from '../components/ui';

const AcceptForm = z
  .object({ name: z.string().trim().max(200), password: NewPasswordSchema, repeat: z.string() })
  .refine((f) => f.password === f.repeat, { message: 'the two passwords differ', path: ['repeat'] });

export default function AcceptInvitation() {
  usePageTitle('Accept the invitation');
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: '', password: '', repeat: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const accept = useMutation({
    mutationFn: api.acceptInvitation,
    onSuccess: (session) => {
      // Whatever was cached belonged to no one or to another workspace.
      queryClient.clear();
      queryClient.setQueryData(['session'], session);
      navigate('/today');
    },
  });
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = check(AcceptForm, form);
    setErrors(r.errors ?? {});
    if (r.data) accept.mutate({ token, password: r.data.password, name: r.data.name || undefined });
  };
  return (
    <div className="auth-page">
      <div className="auth-theme"><ThemeToggle /></div>
      <main id="main" className="card auth-card">
        <p className="brand"><span className="logo" aria-hidden="true">◆</span> Rapport</p>
        <h1>Accept the invitation</h1>
        <p className="muted">Choose your password to join the workspace. Already have a Rapport account with the invited address? Give its password.</p>
        <form className="form" onSubmit={submit} noValidate aria-label="Accept the invitation">
          <Field label="Your name (optional)" error={errors.name}>
            {(p) => <input {...p} autoComplete="name" value={form.name} onChange={set('name')} />}
          </Field>
          <Field label="Password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={errors.password}>
            {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
          </Field>
          <Field label="Password again" error={errors.repeat}>
            {(p) => <input {...p} type="password" autoComplete="new-password" value={form.repeat} onChange={set('repeat')} />}
          </Field>
          {accept.error && <p className="error" role="alert">{errorText(accept.error)}</p>}
          <button className="btn primary" type="submit" disabled={accept.isPending || !token}>{accept.isPending ? 'Joining…' : 'Join the workspace'}</button>
        </form>
        <p className="muted">
          Have an account? <Link to="/signin">Sign in</Link>
        </p>
      </main>
    </div>
  );
}
