/**
 * Add or edit a contact: profile, kind, tags, owner, client since, keep in touch every N
 * days. Checked with the API's schema before sending; messages appear next to their field.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CONTACT_KINDS, ContactInputSchema, ContactPatchSchema } from '../../../src/contacts/contacts.schema.js';
import { api, type Contact } from '../api';
import { check, Field, type FieldErrors } from './forms';
import { errorText } from './ui';

const MESSAGES: Record<string, string> = {
  email: 'Enter an email address like ada@example.com.',
  keep_in_touch_days: 'Enter a whole number of days from 1 to 3650, or leave it empty.',
  client_since: 'Enter a date, or leave it empty.',
};

export function ContactForm({ contact, onDone, onCancel }: { contact?: Contact; onDone: (c: Contact) => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const members = useQuery({ queryKey: ['members'], queryFn: api.members, retry: false });
  const [form, setForm] = useState({
    email: contact?.email ?? '',
    name: contact?.name ?? '',
    kind: contact?.kind ?? 'customer',
    company: contact?.company ?? '',
    tags: contact?.tags.join(', ') ?? '',
    owner_id: contact?.owner_id ?? '',
    client_since: contact?.client_since?.slice(0, 10) ?? '',
    keep_in_touch_days: contact?.keep_in_touch_days ? String(contact.keep_in_touch_days) : '',
    notes: contact?.notes ?? '',
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => (contact ? api.editContact(contact.id, body) : api.createContact(body as never)),
    onSuccess: (c) => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      void queryClient.invalidateQueries({ queryKey: ['contact', c.id] });
      onDone(c);
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const days = form.keep_in_touch_days.trim();
    const values = {
      ...(contact ? {} : { email: form.email }),
      name: form.name.trim() || undefined,
      kind: form.kind,
      company: form.company.trim() || null,
      tags: [...new Set(form.tags.split(',').map((t) => t.trim()).filter(Boolean))],
      owner_id: form.owner_id || null,
      client_since: form.client_since ? Date.parse(`${form.client_since}T00:00:00Z`) : null,
      keep_in_touch_days: days ? (/^\d+$/.test(days) ? Number(days) : Number.NaN) : null,
      notes: form.notes.trim() || null,
    };
    const r = check(contact ? ContactPatchSchema : ContactInputSchema, values);
    if (r.errors) {
      setErrors(Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [k, MESSAGES[k] ?? v])));
      return;
    }
    setErrors({});
    save.mutate(values);
  };
  const input = (k: keyof typeof form) => ({ value: form[k], onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setForm({ ...form, [k]: e.target.value }) });
  return (
    <form className="form card" onSubmit={submit} noValidate aria-label={contact ? 'Edit contact' : 'Add a contact'}>
      <h2>{contact ? 'Edit contact' : 'Add a contact'}</h2>
      <div className="form-row">
        {!contact && <Field label="Email" error={errors.email}>{(p) => <input {...p} type="email" autoComplete="off" {...input('email')} />}</Field>}
        <Field label="Name" error={errors.name}>{(p) => <input {...p} {...input('name')} />}</Field>
        <Field label="Company" error={errors.company}>{(p) => <input {...p} {...input('company')} />}</Field>
      </div>
      <div className="form-row">
        <Field label="Kind">{(p) => <select {...p} {...input('kind')}>{CONTACT_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}</select>}</Field>
        <Field label="Owner">{(p) => <select {...p} {...input('owner_id')}><option value="">Nobody</option>{(members.data ?? []).map((m) => <option key={m.user_id} value={m.user_id}>{m.name ?? m.email}</option>)}</select>}</Field>
        <Field label="Client since" error={errors.client_since}>{(p) => <input {...p} type="date" {...input('client_since')} />}</Field>
        <Field label="Keep in touch every (days)" error={errors.keep_in_touch_days} hint="Empty: from your usual rhythm">{(p) => <input {...p} inputMode="numeric" {...input('keep_in_touch_days')} />}</Field>
      </div>
      <Field label="Tags (comma-separated)" error={errors.tags}>{(p) => <input {...p} {...input('tags')} placeholder="vip, berlin" />}</Field>
      <Field label="Notes" error={errors.notes}>{(p) => <textarea {...p} rows={2} {...input('notes')} />}</Field>
      {save.error && <p className="error" role="alert">{errorText(save.error)}</p>}
      <div className="page-actions">
        <button className="btn primary" type="submit" disabled={save.isPending}>{contact ? 'Save contact' : 'Add contact'}</button>
        <button className="btn ghost" type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
