/** What is known about the contact, and a form to add a fact (validated with the API's schema). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FACT_KINDS, FactInputSchema } from '../../../../src/facts/facts.schema.js';
import { api } from '../../api';
import { check, Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';

export function FactsPanel({ contactId }: { contactId: string }) {
  const queryClient = useQueryClient();
  const facts = useQuery({ queryKey: ['facts', contactId], queryFn: () => api.facts(contactId) });
  const [form, setForm] = useState({ kind: 'interest', text: '', date: '', yearly: false });
  const [errors, setErrors] = useState<FieldErrors>({});
  const add = useMutation({
    mutationFn: (b: Parameters<typeof api.addFact>[1]) => api.addFact(contactId, b),
    onSuccess: () => {
      setForm({ ...form, text: '', date: '' });
      void queryClient.invalidateQueries({ queryKey: ['facts', contactId] });
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = check(FactInputSchema, { kind: form.kind, text: form.text, date: form.date || null, yearly: form.yearly });
    setErrors(r.errors ?? {});
    if (r.data) add.mutate(r.data);
  };
  return (
    <section className="card stack" aria-labelledby="facts-h">
      <h2 id="facts-h">Facts</h2>
      {facts.error && <p className="error">{errorText(facts.error)}</p>}
      <ul className="stack" style={{ margin: 0, paddingLeft: '1.1rem', gap: '0.25rem' }}>
        {(facts.data ?? []).map((f) => (
          <li key={f.id}>
            <span className="chip">{f.kind.replace('_', ' ')}</span> {f.text}
            {f.date && <span className="muted"> · {f.date}{f.yearly ? ' (yearly)' : ''}</span>}
          </li>
        ))}
        {facts.data?.length === 0 && <li className="muted">Nothing known yet: ask about their interests.</li>}
      </ul>
      <form className="form" onSubmit={submit} noValidate aria-label="Add a fact">
        <div className="form-row">
          <Field label="Kind">{(p) => <select {...p} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>{FACT_KINDS.map((k) => <option key={k} value={k}>{k.replace('_', ' ')}</option>)}</select>}</Field>
          <Field label="Date (optional)" error={errors.date}>{(p) => <input {...p} type="date" value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} />}</Field>
        </div>
        <Field label="Fact" error={errors.text}>{(p) => <input {...p} value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} placeholder="Loves trail running" />}</Field>
        <label className="check"><input type="checkbox" checked={form.yearly} onChange={(e) => setForm({ ...form, yearly: e.target.checked })} /> Repeats every year</label>
        {add.error && <p className="error" role="alert">{errorText(add.error)}</p>}
        <div><button className="btn" type="submit" disabled={add.isPending}>Add fact</button></div>
      </form>
    </section>
  );
}
