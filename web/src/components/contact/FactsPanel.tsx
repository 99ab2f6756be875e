/**
 * What is known about the contact: add a fact, edit one in place, delete one. The forms are
 * validated with the API's own schema, so they refuse what the server would, in the same words.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FACT_KINDS, FactInputSchema } from '../../../../src/facts/facts.schema.js';
import { api, type Fact } from '../../api';
import { formatDay } from '../../format';
import { check, Field, type FieldErrors } from '../forms';
import { errorText } from '../ui';

interface FactForm {
  kind: string;
  text: string;
  date: string;
  yearly: boolean;
}

const EMPTY: FactForm = { kind: 'interest', text: '', date: '', yearly: false };
const kindLabel = (k: string) => k.replace('_', ' ');

/** The fields of a fact, shared by the add form and the edit form. */
function FactFields({ form, errors, onChange }: { form: FactForm; errors: FieldErrors; onChange: (f: FactForm) => void }) {
  return (
    <>
      <div className="form-row">
        <Field label="Kind" error={errors.kind}>{(p) => <select {...p} value={form.kind} onChange={(e) => onChange({ ...form, kind: e.target.value })}>{FACT_KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}</select>}</Field>
        <Field label={form.kind === 'important_date' || form.yearly ? 'Date' : 'Date (optional)'} error={errors.date}>{(p) => <input {...p} type="date" value={form.date} onChange={(e) => onChange({ ...form, date: e.target.value })} />}</Field>
      </div>
      <Field label="Fact" error={errors.text}>{(p) => <input {...p} value={form.text} maxLength={2000} onChange={(e) => onChange({ ...form, text: e.target.value })} placeholder="Loves trail running" />}</Field>
      <label className="check"><input type="checkbox" checked={form.yearly} onChange={(e) => onChange({ ...form, yearly: e.target.checked })} /> Repeats every year</label>
    </>
  );
}

const validate = (form: FactForm) => check(FactInputSchema, { kind: form.kind, text: form.text, date: form.date || null, yearly: form.yearly });

export function FactsPanel({ contactId }: { contactId: string }) {
  const queryClient = useQueryClient();
  const facts = useQuery({ queryKey: ['facts', contactId], queryFn: () => api.facts(contactId) });
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [said, setSaid] = useState('');
  // Facts feed Today's suggestions (a question to ask, a gift idea).
  const refresh = () => {
    for (const key of [['facts', contactId], ['today']]) void queryClient.invalidateQueries({ queryKey: key });
  };
  const add = useMutation({
    mutationFn: (b: Parameters<typeof api.addFact>[1]) => api.addFact(contactId, b),
    // The fact itself appears in the list: the status only confirms.
    onSuccess: () => {
      setForm({ ...form, text: '', date: '' });
      setSaid('Fact added.');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (f: Fact) => api.deleteFact(f.id),
    onSuccess: (f) => {
      setSaid(`Fact deleted: ${f.text}.`);
      refresh();
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const r = validate(form);
    setErrors(r.errors ?? {});
    setSaid('');
    if (r.data) add.mutate(r.data);
  };
  return (
    <section className="card stack" aria-labelledby="facts-h">
      <h2 id="facts-h">Facts</h2>
      {facts.error && <p className="error">{errorText(facts.error)}</p>}
      <ul className="stack facts" aria-label="Known facts">
        {(facts.data ?? []).map((f) => (
          <FactItem key={f.id} fact={f} onSaved={() => { setSaid('Fact saved.'); refresh(); }} onDelete={() => remove.mutate(f)} isDeleting={remove.isPending && remove.variables?.id === f.id} />
        ))}
        {facts.data?.length === 0 && <li className="muted">Nothing known yet: ask about their interests.</li>}
      </ul>
      {remove.error && <p className="error" role="alert">{errorText(remove.error)}</p>}
      <form className="form" onSubmit={submit} noValidate aria-label="Add a fact">
        <FactFields form={form} errors={errors} onChange={setForm} />
        {add.error && <p className="error" role="alert">{errorText(add.error)}</p>}
        <div className="page-actions">
          <button className="btn" type="submit" disabled={add.isPending}>Add fact</button>
          <span role="status" className="muted">{said}</span>
        </div>
      </form>
    </section>
  );
}

function FactItem({ fact, onSaved, onDelete, isDeleting }: { fact: Fact; onSaved: () => void; onDelete: () => void; isDeleting: boolean }) {
  const [editing, setEditing] = useState<FactForm | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (b: Parameters<typeof api.editFact>[1]) => api.editFact(fact.id, b),
    onSuccess: () => {
      setEditing(null);
      onSaved();
    },
  });
  if (editing) {
    const submit = (e: React.FormEvent) => {
      e.preventDefault();
      const r = validate(editing);
      setErrors(r.errors ?? {});
      if (r.data) save.mutate({ ...r.data, date: r.data.date ?? null, yearly: r.data.yearly ?? false });
    };
    return (
      <li>
        <form className="form" onSubmit={submit} noValidate aria-label={`Edit the fact: ${fact.text}`}>
          <FactFields form={editing} errors={errors} onChange={setEditing} />
          {save.error && <p className="error" role="alert">{errorText(save.error)}</p>}
          <div className="page-actions">
            <button className="btn small primary" type="submit" disabled={save.isPending}>Save fact</button>
            <button className="btn small ghost" type="button" onClick={() => setEditing(null)}>Cancel</button>
          </div>
        </form>
      </li>
    );
  }
  return (
    <li className="fact">
      <span>
        <span className="chip">{kindLabel(fact.kind)}</span> {fact.text}
        {fact.date && <span className="muted"> · {formatDay(fact.date)}{fact.yearly ? ' (yearly)' : ''}</span>}
      </span>
      <span className="page-actions">
        <button type="button" className="btn small ghost" onClick={() => setEditing({ kind: fact.kind, text: fact.text, date: fact.date ?? '', yearly: fact.yearly })} aria-label={`Edit fact: ${fact.text}`}>Edit</button>
        <button type="button" className="btn small ghost" disabled={isDeleting} onClick={onDelete} aria-label={`Delete fact: ${fact.text}`}>Delete</button>
      </span>
    </li>
  );
}
