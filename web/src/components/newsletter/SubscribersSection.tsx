/**
 * One list's subscribers (the first 100) with their consent status: add one address, and
 * unsubscribe one.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatDate } from '../../format';
import { newsletterCampaignsApi, type NewsletterList } from '../../newsletter-api';
import { Field } from '../forms';
import { errorText, QueryState } from '../ui';

export function SubscribersSection({ lists, canWrite }: { lists: NewsletterList[]; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState('');
  const list = picked || (lists[0]?.id ?? '');
  const subscribers = useQuery({ queryKey: ['newsletter-subscribers', list], queryFn: () => newsletterCampaignsApi.subscribers(list), enabled: list !== '' });
  const refresh = () => {
    for (const key of ['newsletter-subscribers', 'newsletter-lists', 'newsletter-funnel', 'newsletter-preview']) queryClient.invalidateQueries({ queryKey: [key] });
  };
  const unsubscribe = useMutation({ mutationFn: (id: string) => newsletterCampaignsApi.unsubscribe(list, id), onSuccess: refresh });
  if (lists.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="subscribers-h">
      <h2 id="subscribers-h">Subscribers</h2>
      <Field label="Subscribers of list">
        {(p) => (
          <select {...p} value={list} onChange={(e) => setPicked(e.target.value)}>
            {lists.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        )}
      </Field>
      <QueryState isPending={subscribers.isPending} error={subscribers.error} empty={subscribers.data?.length === 0 ? 'No subscriber yet.' : undefined}>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region needs keyboard focus (WCAG 2.1.1) */}
        {/* relative: the header's screen-reader text stays inside the scrolling box, not past the page's edge */}
        <div style={{ overflowX: 'auto', position: 'relative' }} tabIndex={0} role="region" aria-label="Subscribers of the list">
          <table className="table" data-testid="subscribers">
            <caption className="sr-only">Subscribers and their consent</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
                {canWrite && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {subscribers.data?.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.name ? `${s.name} <${s.email}>` : s.email}</th>
                  <td>{s.status}</td>
                  <td>{formatDate(s.status_changed_at)}</td>
                  {canWrite && (
                    <td>
                      {(s.status === 'confirmed' || s.status === 'unconfirmed') && (
                        <button type="button" className="btn small" aria-label={`Unsubscribe ${s.email}`} disabled={unsubscribe.isPending} onClick={() => unsubscribe.mutate(s.id)}>Unsubscribe</button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
      {unsubscribe.error && <p className="error" role="alert">{errorText(unsubscribe.error)}</p>}
      {canWrite && <AddSubscriber list={list} onAdded={refresh} />}
    </section>
  );
}

function AddSubscriber({ list, onAdded }: { list: string; onAdded: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const add = useMutation({
    mutationFn: () => newsletterCampaignsApi.subscribe(list, { email, name: name.trim() || null, confirmed }),
    onSuccess: () => {
      setEmail('');
      setName('');
      onAdded();
    },
  });
  return (
    <form
      className="stack"
      aria-labelledby="add-subscriber-h"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <h3 id="add-subscriber-h" style={{ margin: 0 }}>Add a subscriber</h3>
      <div className="grid two">
        <Field label="Subscriber email" error={add.error ? errorText(add.error) : undefined}>{(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />}</Field>
        <Field label="Subscriber name">{(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />}</Field>
      </div>
      <label>
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> They agreed elsewhere (confirmed; otherwise unconfirmed until they confirm)
      </label>
      <div>
        <button type="submit" className="btn" disabled={add.isPending}>{add.isPending ? 'Adding…' : 'Add subscriber'}</button>
      </div>
    </form>
  );
}
