/** Members with their roles, and invitations (the invitation link, the one the mail holds, is shown once). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ROLES, type Role } from '../../../../src/workspaces/workspaces.schema.js';
import { InvitationInputSchema } from '../../../../src/auth/auth.schema.js';
import { api } from '../../api';
import { check, Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';

export function MembersSection({ myId, canManage }: { myId: string; canManage: boolean }) {
  const queryClient = useQueryClient();
  const members = useQuery({ queryKey: ['members'], queryFn: api.members });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [errors, setErrors] = useState<FieldErrors>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members'] });
  const change = useMutation({ mutationFn: ({ id, r }: { id: string; r: Role }) => api.setRole(id, r), onSuccess: refresh });
  const invite = useMutation({ mutationFn: api.invite, onSuccess: () => setEmail('') });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = check(InvitationInputSchema, { email, role });
    setErrors(r.errors ?? {});
    if (r.data) invite.mutate(r.data);
  };
  return (
    <section className="card stack" aria-labelledby="members-h">
      <h2 id="members-h">Members and roles</h2>
      {members.error && <p className="error">{errorText(members.error)}</p>}
      <div style={{ overflowX: 'auto' }}>
        <table className="table">
          <thead><tr><th scope="col">Member</th><th scope="col">Role</th></tr></thead>
          <tbody>
            {(members.data ?? []).map((m) => (
              <tr key={m.user_id}>
                <td>{m.name ?? m.email}<br /><span className="muted">{m.email}</span></td>
                <td>
                  <select aria-label={`Role of ${m.email}`} value={m.role} disabled={!canManage || m.user_id === myId || change.isPending} onChange={(e) => change.mutate({ id: m.user_id, r: e.target.value as Role })}>
                    {ROLES.map((r) => <option key={r}>{r}</option>)}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {change.error && <p className="error" role="alert">{errorText(change.error)}</p>}
      {canManage && (
        <form className="form" onSubmit={submit} noValidate aria-label="Invite a member">
          <div className="form-row">
            <Field label="Invite by email" error={errors.email}>{(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
            <Field label="Role">{(p) => <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select>}</Field>
          </div>
          <div><button className="btn" type="submit" disabled={invite.isPending}>Send invitation</button></div>
          {invite.error && <p className="error" role="alert">{errorText(invite.error)}</p>}
          {invite.data?.token && (
            <p role="status">
              Invitation for {invite.data.email} created{invite.data.mailed ? ' and mailed to them' : ''}.{' '}
              {invite.data.mail_error && `It could not be mailed (${invite.data.mail_error}). `}Share this link once (it holds the token <code>{invite.data.token}</code>):{' '}
              <a href={`/invite/${encodeURIComponent(invite.data.token)}`} className="invite-link">{`${window.location.origin}/invite/${encodeURIComponent(invite.data.token)}`}</a>
            </p>
          )}
        </form>
      )}
    </section>
  );
}
