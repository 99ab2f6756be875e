/** API tokens (the secret is shown once) and webhooks (the signing secret is shown once). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { TokenInputSchema } from '../../../../src/auth/auth.schema.js';
import { WebhookInputSchema } from '../../../../src/webhooks/webhooks.schema.js';
import { ROLES, type Role } from '../../../../src/workspaces/workspaces.schema.js';
import { api } from '../../api';
import { check, Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';
import { formatDate } from '../../format';

export function TokensSection() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: api.tokens });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens'] });
  const create = useMutation({ mutationFn: api.createToken, onSuccess: () => { setName(''); void refresh(); } });
  const revoke = useMutation({ mutationFn: api.revokeToken, onSuccess: refresh });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = check(TokenInputSchema, { name: name || undefined, role });
    if (r.data) create.mutate({ name: r.data.name, role: r.data.role ?? role });
  };
  const live = (tokens.data ?? []).filter((t) => !t.revoked_at);
  return (
    <section className="card stack" aria-labelledby="tokens-h">
      <h2 id="tokens-h">API tokens</h2>
      {tokens.error && <p className="error">{errorText(tokens.error)}</p>}
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {live.map((t) => (
          <li key={t.id} className="page-header" style={{ margin: 0 }}>
            <span>{t.name} <span className="muted">· {t.role} · by {t.created_by_email ?? 'the workspace'} · created {formatDate(t.created_at)} · {t.last_used_at ? `last used ${formatDate(t.last_used_at)}` : 'never used'}</span></span>
            <button type="button" className="btn small danger" onClick={() => revoke.mutate(t.id)} aria-label={`Revoke token ${t.name}`}>Revoke</button>
          </li>
        ))}
        {live.length === 0 && <li className="muted">No tokens yet.</li>}
      </ul>
      <form className="form" onSubmit={submit} noValidate aria-label="Create an API token">
        <div className="form-row">
          <Field label="Token name">{(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} placeholder="Zapier" />}</Field>
          <Field label="Token role">{(p) => <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select>}</Field>
        </div>
        <div><button className="btn" type="submit" disabled={create.isPending}>Create token</button></div>
      </form>
      {create.error && <p className="error" role="alert">{errorText(create.error)}</p>}
      {create.data?.token && <p role="status">Copy it now, it is shown once: <code data-testid="new-token">{create.data.token}</code></p>}
    </section>
  );
}

export function WebhooksSection() {
  const queryClient = useQueryClient();
  const hooks = useQuery({ queryKey: ['webhooks'], queryFn: api.webhooks });
  const [url, setUrl] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  const create = useMutation({ mutationFn: api.createWebhook, onSuccess: () => { setUrl(''); void refresh(); } });
  const remove = useMutation({ mutationFn: api.deleteWebhook, onSuccess: refresh });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = check(WebhookInputSchema, { url });
    setErrors(r.errors ?? {});
    if (r.data) create.mutate(r.data);
  };
  return (
    <section className="card stack" aria-labelledby="hooks-h">
      <h2 id="hooks-h">Webhooks</h2>
      {hooks.error && <p className="error">{errorText(hooks.error)}</p>}
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {(hooks.data ?? []).map((h) => (
          <li key={h.id} className="page-header" style={{ margin: 0 }}>
            <span className="cell">{h.url} <span className="muted">· {h.events.length ? h.events.join(', ') : 'all events'}</span></span>
            <button type="button" className="btn small danger" onClick={() => remove.mutate(h.id)} aria-label={`Delete webhook ${h.url}`}>Delete</button>
          </li>
        ))}
        {hooks.data?.length === 0 && <li className="muted">No webhooks yet.</li>}
      </ul>
      <form className="form" onSubmit={submit} noValidate aria-label="Add a webhook">
        <Field label="Endpoint URL" error={errors.url}>{(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks/rapport" />}</Field>
        <div><button className="btn" type="submit" disabled={create.isPending}>Add webhook</button></div>
      </form>
      {create.error && <p className="error" role="alert">{errorText(create.error)}</p>}
      {create.data?.secret && <p role="status">Signing secret (shown once): <code>{create.data.secret}</code></p>}
    </section>
  );
}
