/** Promises made to the contact: add one with a due date, mark one kept. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import { Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';
import { formatDate } from '../../format';

export function CommitmentsPanel({ contactId }: { contactId: string }) {
  const queryClient = useQueryClient();
  const commitments = useQuery({ queryKey: ['commitments', contactId], queryFn: () => api.commitments(contactId) });
  const [form, setForm] = useState({ text: '', due: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [said, setSaid] = useState('');
  const refresh = () => {
    for (const key of ['commitments', 'today', 'timeline', 'health']) void queryClient.invalidateQueries({ queryKey: [key] });
  };
  const add = useMutation({
    mutationFn: () => api.addCommitment({ contact: contactId, text: form.text.trim(), due_at: form.due }),
    onSuccess: (c) => {
      setSaid(`Promise added: ${c.text}, due ${formatDate(c.due)}.`);
      setForm({ text: '', due: '' });
      refresh();
    },
  });
  const complete = useMutation({
    mutationFn: (id: string) => api.completeCommitment(id),
    onSuccess: (c) => {
      setSaid(`Kept: ${c.text}${c.on_time ? ', in time' : ''}.`);
      refresh();
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const next: FieldErrors = {};
    if (!form.text.trim()) next.text = 'Say what you promised.';
    if (!form.due) next.due = 'Pick the date it is due.';
    setErrors(next);
    setSaid('');
    if (Object.keys(next).length === 0) add.mutate();
  };
  const open = (commitments.data ?? []).filter((c) => c.status === 'open');
  return (
    <section className="card stack" aria-labelledby="commitments-h">
      <h2 id="commitments-h">Commitments</h2>
      {commitments.error && <p className="error">{errorText(commitments.error)}</p>}
      {open.length === 0 ? <p className="muted" style={{ margin: 0 }}>No open promises.</p> : (
        <ul className="stack commitments">
          {open.map((c) => (
            <li key={c.id}>
              <span>{c.text} <span className="muted">· due {formatDate(c.due)}</span></span>
              <button type="button" className="btn small" disabled={complete.isPending} onClick={() => complete.mutate(c.id)} aria-label={`Mark kept: ${c.text}`}>Mark kept</button>
            </li>
          ))}
        </ul>
      )}
      <form className="form" onSubmit={submit} noValidate aria-label="Add a commitment">
        <div className="form-row">
          <Field label="Promise" error={errors.text}>{(p) => <input {...p} value={form.text} maxLength={2000} onChange={(e) => setForm({ ...form, text: e.target.value })} placeholder="Send the revised quote" />}</Field>
          <Field label="Due" error={errors.due}>{(p) => <input {...p} type="date" value={form.due} onChange={(e) => setForm({ ...form, due: e.target.value })} />}</Field>
        </div>
        {(add.error || complete.error) && <p className="error" role="alert">{errorText(add.error ?? complete.error)}</p>}
        <div className="page-actions">
          <button className="btn" type="submit" disabled={add.isPending}>Add commitment</button>
          <span role="status" className="muted">{said}</span>
        </div>
      </form>
    </section>
  );
}
