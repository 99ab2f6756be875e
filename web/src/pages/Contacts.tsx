/**
 * Contacts: search, filter by status/stage/tag/owner, sort by any column, export. The first
 * page (in the default order, worst health first, asked for by the route) is drawn at once;
 * the rest follows in pages of 2,000 in the background, and filters apply to what has
 * arrived, so the rows are right once the count stops growing. A sort chosen before then
 * loads again in the server's order for it. The table is virtualised, so ten thousand rows
 * scroll and filter without lag (bench/web.bench.ts measures the load, the filters, the scroll).
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { CONTACT_PAGE_MAX, STAGES, STATUSES } from '../../../src/contacts/contacts.schema.js';
import { api, EXPORTS, type Contact } from '../api';
import { contactPages } from '../contact-pages';
import { allTags, EMPTY_FILTER, filterContacts, indexContacts, SORT_LABELS, type SortKey, sortContacts } from '../components/contact-filter';
import { HealthBadge, statusLabel } from '../components/HealthBadge';
import { ContactForm } from '../components/ContactForm';
import { PageHeader, QueryState } from '../components/ui';
import { daysAgo } from '../format';

const ROW_HEIGHT = 48;
/** The table's columns, in order; each header sorts by its column. */
const COLUMNS: SortKey[] = ['name', 'company', 'health', 'stage', 'last-touch', 'tags'];

/**
 * Every contact, page after page in the server's `sort` order: the first page arrives quickly,
 * the rest loads in the background. `complete` once every page is in.
 */
function useAllContacts(sort: SortKey) {
  const pages = useInfiniteQuery(contactPages(sort, CONTACT_PAGE_MAX));
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = pages;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);
  const data = useMemo(() => pages.data?.pages.flatMap((p) => p.items), [pages.data]);
  return { data, isPending: pages.isPending, error: pages.error, isLoadingMore: hasNextPage, complete: !!pages.data && !hasNextPage };
}

export default function Contacts() {
  const [f, setF] = useState(EMPTY_FILTER);
  // The order the rows are loaded in. Sorting once every row is in happens here in the page;
  // sorting before that asks the server for its order from the first page on, as the rows
  // that have arrived are not the first ones of another order.
  const [loadOrder, setLoadOrder] = useState<SortKey>(EMPTY_FILTER.sort);
  const contacts = useAllContacts(loadOrder);
  const members = useQuery({ queryKey: ['members'], queryFn: api.members, retry: false });
  const indexed = useMemo(() => indexContacts(contacts.data ?? []), [contacts.data]);
  // While loading, rows in the server's order for this very sort stay as they came.
  const asLoaded = !contacts.complete && f.sort === loadOrder && !f.descending;
  const sorted = useMemo(() => (asLoaded ? indexed : sortContacts(indexed, f.sort, f.descending)), [asLoaded, indexed, f.sort, f.descending]);
  const rows = useMemo(() => filterContacts(sorted, f), [sorted, f]);
  const tags = useMemo(() => allTags(contacts.data ?? []), [contacts.data]);
  const ownerName = useMemo(() => new Map((members.data ?? []).map((m) => [m.user_id, m.name ?? m.email])), [members.data]);
  const set = <K extends keyof typeof f>(k: K) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setF({ ...f, [k]: e.target.value });
  const sortTo = (sort: SortKey, descending: boolean) => {
    setF({ ...f, sort, descending });
    if (!contacts.complete) setLoadOrder(sort);
  };
  const clear = () => {
    setF(EMPTY_FILTER);
    if (!contacts.complete) setLoadOrder(EMPTY_FILTER.sort);
  };
  const sortBy = (sort: SortKey) => sortTo(sort, f.sort === sort ? !f.descending : false);
  const ariaSort = (k: SortKey) => (f.sort === k ? (f.descending ? 'descending' : 'ascending') : 'none');
  const total = contacts.data?.length ?? 0;
  const [adding, setAdding] = useState(false);
  const navigate = useNavigate();

  return (
    <div>
      <PageHeader title="Contacts">
        <button type="button" className="btn small primary" onClick={() => setAdding(true)} aria-expanded={adding}>Add contact</button>
        <a className="btn small" href={EXPORTS.csv} download>Export CSV</a>
        <a className="btn small" href={EXPORTS.vcard} download>Export vCard</a>
      </PageHeader>
      {adding && <ContactForm onDone={(c) => navigate(`/contacts/${c.id}`)} onCancel={() => setAdding(false)} />}
      <search className="filters" aria-label="Filter contacts">
        <label>
          Search
          <input type="search" placeholder="Name, email, company, tag" value={f.q} onChange={set('q')} />
        </label>
        <label>
          Status
          <select value={f.status} onChange={set('status')}>
            <option value="">All</option>
            {STATUSES.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
          </select>
        </label>
        <label>
          Stage
          <select value={f.stage} onChange={set('stage')}>
            <option value="">All</option>
            {STAGES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Tag
          <select value={f.tag} onChange={set('tag')}>
            <option value="">All</option>
            {tags.map((t) => <option key={t}>{t}</option>)}
          </select>
        </label>
        <label>
          Owner
          <select value={f.owner} onChange={set('owner')}>
            <option value="">Anyone</option>
            <option value="-">Nobody</option>
            {(members.data ?? []).map((m) => <option key={m.user_id} value={m.user_id}>{m.name ?? m.email}</option>)}
          </select>
        </label>
        {/* Labelled by id, not by wrapping: the options' words ("Stage", "Tags") must not name this select. */}
        <span className="filter-field">
          <label htmlFor="contacts-sort">Sort by</label>
          <select id="contacts-sort" value={f.sort} onChange={(e) => sortTo(e.target.value as SortKey, false)}>
            <option value="health">Health (needs care first)</option>
            <option value="last-touch">Last touch (oldest first)</option>
            <option value="name">Name</option>
            <option value="company">Company</option>
            <option value="stage">Stage</option>
            <option value="tags">Tags</option>
          </select>
        </span>
        {f !== EMPTY_FILTER && <button type="button" className="btn ghost" onClick={clear}>Clear</button>}
      </search>
      {/* data-filter changes with every committed filter: the scale test times against it. */}
      <p className="muted" role="status" data-testid="contact-count" data-filter={Object.values(f).join('|')}>
        {rows.length === total ? `${total} contacts` : `${rows.length} of ${total} contacts`}
        {contacts.isLoadingMore && <span data-testid="contacts-loading">; loading more…</span>}
      </p>
      <QueryState isPending={contacts.isPending} error={contacts.error} empty={total === 0 ? <p>No contacts yet. Import a mailbox from onboarding or Settings.</p> : undefined}>
        <div className="vtable" role="table" aria-label="Contacts" aria-rowcount={rows.length + 1}>
          <div className="vhead" role="row" aria-rowindex={1}>
            {COLUMNS.map((k) => (
              <span key={k} role="columnheader" aria-sort={ariaSort(k)}>
                <button type="button" className="sort-btn" onClick={() => sortBy(k)}>
                  {SORT_LABELS[k]}
                  <span aria-hidden="true">{f.sort === k ? (f.descending ? ' ▼' : ' ▲') : ''}</span>
                </button>
              </span>
            ))}
          </div>
          <VirtualRows rows={rows} ownerName={ownerName} />
        </div>
        {rows.length === 0 && (
          <p className="empty">
            {f.q ? `No contact matches "${f.q}".` : 'No contact matches these filters.'}{' '}
            <button type="button" className="btn small ghost" onClick={clear}>Show every contact</button>
          </p>
        )}
      </QueryState>
    </div>
  );
}

function VirtualRows({ rows, ownerName }: { rows: Contact[]; ownerName: Map<string, string> }) {
  const navigate = useNavigate();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable by keyboard to scroll it.
    <div ref={scrollRef} className="vscroll" tabIndex={0} role="rowgroup" aria-label="Contact rows" data-testid="contact-scroll">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const c = rows[v.index];
          if (!c) return null;
          return (
            <div
              key={c.id}
              className="vrow clickable"
              role="row"
              tabIndex={0}
              aria-rowindex={v.index + 2}
              style={{ transform: `translateY(${v.start}px)` }}
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest('a')) navigate(`/contacts/${c.id}`);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.target === e.currentTarget) navigate(`/contacts/${c.id}`);
              }}
            >
              <span role="cell" className="cell">
                <Link to={`/contacts/${c.id}`}>{c.name}</Link>
                <br />
                <span className="muted" style={{ fontSize: '0.8rem' }}>{c.email}</span>
              </span>
              <span role="cell" className="cell">{c.company ?? '—'}{c.owner_id && ownerName.get(c.owner_id) ? ` · ${ownerName.get(c.owner_id)}` : ''}</span>
              <span role="cell" className="cell"><HealthBadge status={c.health?.status} score={c.health?.score} slipping={c.health?.slipping} /></span>
              <span role="cell" className="cell">{c.stage}</span>
              <span role="cell" className="cell">{daysAgo(c.last_touch_at)}</span>
              <span role="cell" className="cell">{c.tags.join(', ')}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
