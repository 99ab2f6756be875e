/** Log what happened with the contact: a call, meeting, message, note or surprise, with the behaviours it showed. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { BEHAVIORS } from '../../../../src/interactions/interactions.schema.js';
import { api } from '../../api';
import { Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';

const KINDS = ['call', 'meeting', 'message', 'note', 'surprise'] as const;

export function LogPanel({ contactId }: { contactId: string }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ kind: 'call' as (typeof KINDS)[number], direction: 'out', at: '', text: '', behaviors: [] as string[] });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [logged, setLogged] = useState('');
  const log = useMutation({
    mutationFn: () =>
      api.logInteraction({
        kind: form.kind,
        contact_ids: [contactId],
        direction: form.kind === 'note' ? 'internal' : (form.direction as 'in' | 'out'),
        ...(form.at ? { at: form.at } : {}),
        text: form.text.trim() || null,
        behaviors: form.behaviors as never,
      }),
    onSuccess: (ix) => {
      setLogged(`Logged ${ix.kind}${ix.behaviors.length ? ` (${ix.behaviors.map((b) => b.behavior).join(', ')})` : ''}.`);
      setForm({ ...form, text: '', at: '', behaviors: [] });
      for (const key of ['timeline', 'health', 'today', 'contacts', 'contact', 'waiting']) void queryClient.invalidateQueries({ queryKey: [key] });
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const next: FieldErrors = {};
    if (form.at && Number.isNaN(Date.parse(form.at))) next.at = 'Enter a date and time, or leave it empty for now.';
    if (form.at && Date.parse(form.at) > Date.now() + 60_000) next.at = 'That is in the future: log what has happened.';
    if (form.kind === 'note' && !form.text.trim()) next.text = 'A note needs some text.';
    setErrors(next);
    setLogged('');
    if (Object.keys(next).length === 0) log.mutate();
  };
  const toggle = (b: string) => setForm({ ...form, behaviors: form.behaviors.includes(b) ? form.behaviors.filter((x) => x !== b) : [...form.behaviors, b] });
  return (
    <section className="card stack" aria-labelledby="log-h">
      <h2 id="log-h">Log an interaction</h2>
      <form className="form" onSubmit={submit} noValidate aria-label="Log an interaction">
        <div className="form-row">
          <Field label="What">{(p) => <select {...p} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as (typeof KINDS)[number] })}>{KINDS.map((k) => <option key={k} value={k}>{k}</option>)}</select>}</Field>
          {form.kind !== 'note' && (
            <Field label="Who reached out">{(p) => <select {...p} value={form.direction} onChange={(e) => setForm({ ...form, direction: e.target.value })}><option value="out">I did</option><option value="in">They did</option></select>}</Field>
          )}
          <Field label="When (empty: now)" error={errors.at}>{(p) => <input {...p} type="datetime-local" value={form.at} onChange={(e) => setForm({ ...form, at: e.target.value })} />}</Field>
        </div>
        <Field label="Notes" error={errors.text}>{(p) => <textarea {...p} rows={3} value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} placeholder="Talked about the new warehouse; she is training for a marathon." />}</Field>
        <fieldset className="behaviors">
          <legend>Behaviours shown</legend>
          {BEHAVIORS.map((b) => (
            <label key={b} className="check"><input type="checkbox" checked={form.behaviors.includes(b)} onChange={() => toggle(b)} /> {b}</label>
          ))}
        </fieldset>
        {log.error && <p className="error" role="alert">{errorText(log.error)}</p>}
        <div className="page-actions">
          <button className="btn" type="submit" disabled={log.isPending}>Log {form.kind}</button>
          <span role="status" className="muted">{logged}</span>
        </div>
      </form>
    </section>
  );
}
