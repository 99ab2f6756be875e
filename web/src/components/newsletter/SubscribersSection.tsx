/**
 * One list's subscribers with their consent status, a page at a time with the total, found by
 * part of their address: add one address, and unsubscribe one.
 */
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { formatDate } from '../../format';
import { newsletterCampaignsApi, type NewsletterList } from '../../newsletter-api';
import { Field } from '../forms';
import { errorText, QueryState } from '../ui';
import { MoreRows } from './MoreRows';

export function SubscribersSection({ lists, canWrite }: { lists: NewsletterList[]; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState('');
  const list = picked || (lists[0]?.id ?? '');
  const [search, setSearch] = useState('');
  // Typing asks the server once the input rests a moment, not on every key.
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const subscribers = useInfiniteQuery({
    queryKey: ['newsletter-subscribers', list, query],
    queryFn: ({ pageParam }) => newsletterCampaignsApi.subscribers(list, query, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    enabled: list !== '',
  });
  const shown = subscribers.data?.pages.flatMap((p) => p.items) ?? [];
  const total = subscribers.data?.pages.at(-1)?.total ?? 0;
  const refresh = () => {
    for (const key of ['newsletter-subscribers', 'newsletter-lists', 'newsletter-funnel', 'newsletter-preview']) queryClient.invalidateQueries({ queryKey: [key] });
  };
  const unsubscribe = useMutation({ mutationFn: (id: string) => newsletterCampaignsApi.unsubscribe(list, id), onSuccess: refresh });
  if (lists.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="subscribers-h">
      <h2 id="subscribers-h">Subscribers</h2>
      <div className="grid two">
        <Field label="Subscribers of list">
          {(p) => (
            <select {...p} value={list} onChange={(e) => setPicked(e.target.value)}>
              {lists.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            </select>
          )}
        </Field>
        <Field label="Find by address" hint="Any part of the address.">{(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={320} />}</Field>
      </div>
      <QueryState isPending={subscribers.isPending} error={subscribers.error} empty={shown.length === 0 ? (query ? `No subscriber’s address contains “${query}”.` : 'No subscriber yet.') : undefined}>
        {/* relative: the header's screen-reader text stays inside the scrolling box, not past the page's edge */}
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region needs keyboard focus (WCAG 2.1.1) */}
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
              {shown.map((s) => (
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
        <MoreRows shown={shown.length} total={total} noun={query ? 'matching subscribers' : 'subscribers'} hasMore={subscribers.hasNextPage} loading={subscribers.isFetchingNextPage} onMore={() => subscribers.fetchNextPage()} />
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
