/**
 * Onboarding: create the account and the workspace (own addresses, time zone, business hours),
 * then bring data in (a file with a progress bar, or the demo), then go to Today.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { MIN_PASSWORD_LENGTH, NewPasswordSchema, SignupSchema } from '../../../src/auth/auth.schema.js';
import { BusinessHoursSchema, type BusinessHours } from '../../../src/workspaces/workspaces.schema.js';
import { api } from '../api';
import { useSession } from '../components/AppLayout';
import { BusinessHoursFields, browserTimeZone, timeZones } from '../components/BusinessHoursFields';
import { check, Field, type FieldErrors } from '../components/forms';
import { ImportPanel } from '../components/ImportPanel';
import { ThemeToggle } from '../components/ThemeToggle';
import { errorText, usePageTitle } from '../components/ui';

const STEPS = ['Workspace', 'Your data', 'Done'];

export default function Onboarding() {
  usePageTitle('Get started');
  const session = useSession();
  // Until the user moves on, the session decides (once it has loaded): someone signed in with
  // a workspace is here to bring data in.
  const [chosen, setStep] = useState<number | null>(null);
  const step = chosen ?? (session.data?.workspace ? 1 : 0);
  return (
    <div className="auth-page">
      <div className="auth-theme"><ThemeToggle /></div>
      <main id="main" className="card auth-card wide">
        <p className="brand"><span className="logo" aria-hidden="true">◆</span> Rapport</p>
        <ol className="steps" aria-label="Onboarding steps">
          {STEPS.map((s, i) => (
            <li key={s} aria-current={i === step ? 'step' : undefined}>{i + 1}. {s}</li>
          ))}
        </ol>
        {step === 0 && <WorkspaceStep onDone={() => setStep(1)} />}
        {step === 1 && <DataStep onDone={() => setStep(2)} />}
        {step === 2 && (
          <section className="stack">
            <h1>You are all set</h1>
            <p>Rapport has measured how attentive you are to each contact and prepared today’s next best actions.</p>
            <Link className="btn primary" to="/today">Go to Today</Link>
          </section>
        )}
      </main>
    </div>
  );
}

function WorkspaceStep({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const signedIn = !!useSession().data;
  const [form, setForm] = useState({ name: '', email: '', password: '', workspace: '', me: '', time_zone: browserTimeZone() });
  const [hours, setHours] = useState<BusinessHours>({ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });

  const create = useMutation({
    mutationFn: async (input: { signup: Parameters<typeof api.signUp>[0]; hours: BusinessHours }) => {
      // Signed in already (an invited user, or a workspace was deleted): only the workspace is new.
      const ws = input.signup.workspace;
      const session = signedIn && ws ? await api.createWorkspace(ws).then((w) => api.switchWorkspace(w.slug)) : await api.signUp(input.signup);
      queryClient.setQueryData(['session'], session);
      await api.saveSettings({ business_hours: input.hours });
      return session;
    },
    onSuccess: onDone,
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const me = form.me.split(/[\s,;]+/).filter(Boolean);
    const workspace = { name: form.workspace, me: me.length ? me : [form.email], time_zone: form.time_zone };
    const signup = signedIn
      ? (() => {
          const r = check(SignupSchema.shape.workspace.unwrap(), workspace);
          return r.data ? { data: { email: '', password: '', workspace: r.data }, errors: null } : { data: null, errors: { workspace: Object.values(r.errors)[0] ?? 'invalid' } };
        })()
      : check(SignupSchema.extend({ password: NewPasswordSchema }), { email: form.email, password: form.password, name: form.name || undefined, workspace });
    const h = check(BusinessHoursSchema, hours);
    setErrors({ ...(signup.errors ?? {}), ...(h.errors ? { hours: Object.values(h.errors)[0] ?? 'invalid hours' } : {}) });
    if (signup.data && h.data) create.mutate({ signup: signup.data, hours: h.data });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <h1>Create your workspace</h1>
      {!signedIn && (
        <>
      <div className="form-row">
        <Field label="Your name" error={errors.name}>{(p) => <input {...p} autoComplete="name" value={form.name} onChange={set('name')} />}</Field>
        <Field label="Email" error={errors.email}>{(p) => <input {...p} type="email" autoComplete="username" value={form.email} onChange={set('email')} />}</Field>
      </div>
      <Field label="Password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={errors.password}>{(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}</Field>
        </>
      )}
      <Field label="Workspace name" error={errors.workspace}>{(p) => <input {...p} value={form.workspace} onChange={set('workspace')} placeholder="Acme Studio" />}</Field>
      <Field label="Your own addresses and domains" hint="Comma-separated, e.g. me@acme.com, @acme.com. Mail from these is outbound." error={errors.workspace ? undefined : errors.me}>
        {(p) => <input {...p} value={form.me} onChange={set('me')} placeholder="me@acme.com, @acme.com" />}
      </Field>
      <Field label="Time zone">
        {(p) => (
          <select {...p} value={form.time_zone} onChange={set('time_zone')}>
            {timeZones().map((z) => <option key={z}>{z}</option>)}
          </select>
        )}
      </Field>
      <BusinessHoursFields value={hours} onChange={setHours} error={errors.hours} />
      {create.error && <p className="error" role="alert">{errorText(create.error)}</p>}
      <button className="btn primary" type="submit" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create workspace'}</button>
      <p className="muted">Already have an account? <Link to="/signin">Sign in</Link></p>
    </form>
  );
}

function DataStep({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [imported, setImported] = useState(false);
  const demo = useMutation({ mutationFn: api.loadDemo, onSuccess: async () => { await queryClient.invalidateQueries(); onDone(); } });
  return (
    <div className="stack">
      <h1>Bring your relationships in</h1>
      <p className="muted">Import an export of your mailbox or address book. Rapport finds your contacts, threads and replies.</p>
      <ImportPanel onImported={() => setImported(true)} />
      <div className="page-actions">
        {imported && <button type="button" className="btn primary" onClick={onDone}>Continue</button>}
        <button type="button" className="btn" disabled={demo.isPending} onClick={() => demo.mutate()}>{demo.isPending ? 'Loading demo…' : 'Load the demo instead'}</button>
        {!imported && <button type="button" className="btn ghost" onClick={onDone}>Skip for now</button>}
      </div>
      {demo.error && <p className="error" role="alert">{errorText(demo.error)}</p>}
    </div>
  );
}
