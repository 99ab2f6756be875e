/**
 * Settings → Mail accounts: add an IMAP/SMTP account (the password goes to the server once and
 * never comes back), test the connection (which step failed: DNS, connect, TLS, login,
 * folder), sync now with progress per folder, remove. The status shown is the server's:
 * an account with a failing folder shows the error, never "synced".
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { MailAccountInputSchema } from '../../../../src/mail/mail.schema.js';
import { api, type ConnectionTest, type MailAccount, type SyncSummary } from '../../api';
import { check, Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';
import { formatDateTime } from '../../format';

export function MailAccountsSection({ canManage }: { canManage: boolean }) {
  const queryClient = useQueryClient();
  const [syncing, setSyncing] = useState<string | null>(null);
  // While a sync runs, the folders' progress is read again every second.
  const accounts = useQuery({ queryKey: ['mail-accounts'], queryFn: api.mailAccounts, refetchInterval: syncing ? 1000 : false });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['mail-accounts'] });
  return (
    <section className="card stack" aria-labelledby="mail-h">
      <h2 id="mail-h">Mail accounts</h2>
      <p className="muted">Rapport brings new mail in by itself over IMAP and sends your replies over SMTP.</p>
      {accounts.error && <p className="error">{errorText(accounts.error)}</p>}
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {(accounts.data ?? []).map((a) => (
          <AccountItem key={a.id} account={a} canManage={canManage} onChanged={refresh} onSyncing={(on) => setSyncing(on ? a.id : null)} />
        ))}
        {accounts.data?.length === 0 && <li className="muted">No mail account yet.</li>}
      </ul>
      {canManage && <AddAccountForm onAdded={refresh} />}
    </section>
  );
}

const STATE_TEXT: Record<MailAccount['status']['state'], string> = { never: 'not synced yet', ok: 'synced', error: 'sync failed', syncing: 'syncing…' };

function AccountItem({ account: a, canManage, onChanged, onSyncing }: { account: MailAccount; canManage: boolean; onChanged: () => void; onSyncing: (on: boolean) => void }) {
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [summary, setSummary] = useState<SyncSummary | null>(null);
  const tester = useMutation({ mutationFn: () => api.testMailAccount(a.id), onSuccess: setTest });
  const sync = useMutation({
    mutationFn: () => {
      onSyncing(true);
      return api.syncMailAccount(a.id);
    },
    onSuccess: setSummary,
    onSettled: () => {
      onSyncing(false);
      onChanged();
    },
  });
  const remove = useMutation({ mutationFn: () => api.removeMailAccount(a.id), onSuccess: onChanged });
  return (
    <li className="stack" style={{ gap: '.4rem' }}>
      <div className="page-header" style={{ margin: 0 }}>
        <span>
          <strong>{a.name}</strong> <span className="muted">· {a.imap}</span>{' '}
          <span className={a.status.state === 'error' ? 'chip hl' : 'chip'} data-testid="mail-state">{STATE_TEXT[a.status.state]}</span>
        </span>
        <span className="chips">
          {canManage && <button type="button" className="btn small" onClick={() => tester.mutate()} disabled={tester.isPending}>{tester.isPending ? 'Testing…' : 'Test connection'}</button>}
          <button type="button" className="btn small" onClick={() => sync.mutate()} disabled={sync.isPending}>{sync.isPending ? 'Syncing…' : 'Sync now'}</button>
          {canManage && <button type="button" className="btn small danger" onClick={() => remove.mutate()} aria-label={`Remove mail account ${a.name}`}>Remove</button>}
        </span>
      </div>
      <p className="muted" style={{ margin: 0 }}>
        Last synced {a.status.last_success_at ? formatDateTime(a.status.last_success_at) : 'never'}
        {a.status.folders.map((f) => ` · ${f.path}: ${f.progress.done < f.progress.total ? `${f.progress.done}/${f.progress.total}` : `${f.last_run_messages} in the last run`}`).join('')}
      </p>
      {a.status.last_error && <p className="error">Last error ({formatDateTime(a.status.last_error_at)}): {a.status.last_error}</p>}
      {test && (
        <div role="status" aria-label="Connection test">
          <ul style={{ margin: 0 }}>
            {test.checks.map((c) => (
              <li key={c.server} className={c.ok ? undefined : 'error'}>{c.server.toUpperCase()}: {c.ok ? 'ok' : `failed at ${c.failed}`} — {c.message}</li>
            ))}
          </ul>
        </div>
      )}
      {summary && (
        <p role="status">
          Sync done: {summary.read} read, {summary.imported} imported, {summary.duplicates} already there{summary.failures.length > 0 ? `; failed: ${summary.failures.join('; ')}` : ''}.
        </p>
      )}
      {[tester.error, sync.error, remove.error].filter(Boolean).map((e) => <p key={String(e)} className="error" role="alert">{errorText(e)}</p>)}
    </li>
  );
}

function AddAccountForm({ onAdded }: { onAdded: () => void }) {
  const [v, setV] = useState({ name: '', imap: '', smtp: '', password: '', address: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const add = useMutation({
    mutationFn: api.addMailAccount,
    onSuccess: () => {
      setV({ name: '', imap: '', smtp: '', password: '', address: '' });
      onAdded();
    },
  });
  const set = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement>) => setV({ ...v, [k]: e.target.value });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = check(MailAccountInputSchema, { imap: v.imap, smtp: v.smtp, password: v.password, name: v.name || undefined, address: v.address || undefined });
    setErrors(r.errors ?? {});
    if (r.data) add.mutate(r.data);
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Add a mail account">
      <div className="form-row">
        <Field label="IMAP server" error={errors.imap} hint="imaps://you@host, or imap://… for a local server">{(p) => <input {...p} value={v.imap} onChange={set('imap')} placeholder="imaps://you@example.com@imap.example.com" />}</Field>
        <Field label="SMTP server" error={errors.smtp} hint="smtps://you@host, or smtp://…">{(p) => <input {...p} value={v.smtp} onChange={set('smtp')} placeholder="smtps://you@example.com@smtp.example.com" />}</Field>
      </div>
      <div className="form-row">
        <Field label="Mail password" error={errors.password}>{(p) => <input {...p} type="password" autoComplete="new-password" value={v.password} onChange={set('password')} />}</Field>
        <Field label="Send from" error={errors.address} hint="default: the IMAP user">{(p) => <input {...p} type="email" value={v.address} onChange={set('address')} />}</Field>
        <Field label="Account name" error={errors.name}>{(p) => <input {...p} value={v.name} onChange={set('name')} placeholder="Work" />}</Field>
      </div>
      <div><button className="btn" type="submit" disabled={add.isPending}>Add mail account</button></div>
      {add.error && <p className="error" role="alert">{errorText(add.error)}</p>}
    </form>
  );
}
