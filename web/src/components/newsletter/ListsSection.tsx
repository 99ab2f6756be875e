/**
 * Newsletter lists with their subscribers by consent status, a form for a new list and an
 * import of subscribers from CSV (email[,name]) with the consent stated.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { newsletterGrowApi, type NewsletterList } from '../../newsletter-api';
import { Field } from '../forms';
import { errorText, QueryState } from '../ui';

const STATUSES = ['confirmed', 'unconfirmed', 'unsubscribed', 'bounced', 'complained'] as const;

export function ListsSection({ canManage }: { canManage: boolean }) {
  const queryClient = useQueryClient();
  const lists = useQuery({ queryKey: ['newsletter-lists'], queryFn: newsletterGrowApi.lists });
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: ['newsletter-lists'] });
    queryClient.invalidateQueries({ queryKey: ['newsletter-funnel'] });
  };
  return (
    <section className="card stack" aria-labelledby="lists-h">
      <h2 id="lists-h">Lists</h2>
      <QueryState isPending={lists.isPending} error={lists.error} empty={lists.data?.length === 0 ? 'No list yet.' : undefined}>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region needs keyboard focus (WCAG 2.1.1) */}
        <div style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label="Subscribers by status">
          <table className="table" data-testid="lists">
            <caption className="sr-only">Subscribers by status</caption>
            <thead>
              <tr>
                <th scope="col">List</th>
                {STATUSES.map((s) => <th key={s} scope="col">{s}</th>)}
              </tr>
            </thead>
            <tbody>
              {lists.data?.map((l) => (
                <tr key={l.id}>
                  <th scope="row">{l.name}</th>
                  {STATUSES.map((s) => <td key={s}>{l.subscribers[s]}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
      {canManage && lists.data && lists.data.length > 0 && <ImportForm lists={lists.data} onImported={refresh} />}
      {canManage && <NewList onCreated={refresh} />}
    </section>
  );
}

function ImportForm({ lists, onImported }: { lists: NewsletterList[]; onImported: () => void }) {
  const [list, setList] = useState('');
  const [csv, setCsv] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const run = useMutation({ mutationFn: () => newsletterGrowApi.importSubscribers(list || (lists[0]?.id ?? ''), { csv, confirmed }), onSuccess: onImported });
  return (
    <form
      className="stack"
      aria-label="Import subscribers"
      onSubmit={(e) => {
        e.preventDefault();
        run.mutate();
      }}
    >
      <h3 style={{ margin: 0 }}>Import subscribers</h3>
      <Field label="Into list">
        {(p) => (
          <select {...p} value={list || lists[0]?.id} onChange={(e) => setList(e.target.value)}>
            {lists.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        )}
      </Field>
      <Field label="CSV (email, name)" hint="One subscriber a line; all or nothing: a bad line is named and nothing is imported.">
        {(p) => <textarea {...p} rows={4} value={csv} onChange={(e) => setCsv(e.target.value)} required />}
      </Field>
      <label>
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> They agreed to receive it (import as confirmed; otherwise they stay unconfirmed)
      </label>
      {run.error && <p className="error" role="alert">{errorText(run.error)}</p>}
      {run.data && <p role="status">Imported {run.data.added} as {run.data.status}; {run.data.already} already on the list{run.data.suppressed.length > 0 ? `; left out (bounced or complained): ${run.data.suppressed.join(', ')}` : ''}.</p>}
      <div>
        <button type="submit" className="btn" disabled={run.isPending}>{run.isPending ? 'Importing…' : 'Import'}</button>
      </div>
    </form>
  );
}

function NewList({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const create = useMutation({
    mutationFn: () => newsletterGrowApi.createList({ name, from_address: from.trim() || null }),
    onSuccess: () => {
      setName('');
      setFrom('');
      onCreated();
    },
  });
  return (
    <form
      className="stack"
      aria-label="New list"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3 style={{ margin: 0 }}>New list</h3>
      <div className="grid two">
        <Field label="List name">{(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}</Field>
        <Field label="From address">{(p) => <input {...p} type="email" value={from} onChange={(e) => setFrom(e.target.value)} />}</Field>
      </div>
      {create.error && <p className="error" role="alert">{errorText(create.error)}</p>}
      <div>
        <button type="submit" className="btn" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create list'}</button>
      </div>
    </form>
  );
}
