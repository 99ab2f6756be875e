/** Client-side filtering and sorting of the contact list: pure, so it is cheap to test and to time. */
import type { Contact, HealthStatus, Stage } from '../api';

export type SortKey = 'health' | 'last-touch' | 'name' | 'company' | 'stage' | 'tags';

/** Every column of the table sorts; the labels are the column names. */
export const SORT_LABELS: Record<SortKey, string> = { name: 'Name', company: 'Company', health: 'Health', stage: 'Stage', 'last-touch': 'Last touch', tags: 'Tags' };
export interface ContactFilter {
  q: string;
  status: HealthStatus | '';
  stage: Stage | '';
  tag: string;
  owner: string;
  sort: SortKey;
  descending: boolean;
}

export const EMPTY_FILTER: ContactFilter = { q: '', status: '', stage: '', tag: '', owner: '', sort: 'health', descending: false };

export interface Indexed {
  contact: Contact;
  haystack: string;
  lastTouch: number;
  nameKey: string;
  companyKey: string;
  tagsKey: string;
}

export function indexContacts(contacts: Contact[]): Indexed[] {
  return contacts.map((c) => ({
    contact: c,
    haystack: [c.name, c.company ?? '', ...c.emails, ...c.tags].join('\u0000').toLowerCase(),
    lastTouch: c.last_touch_at ? Date.parse(c.last_touch_at) : Number.NEGATIVE_INFINITY,
    nameKey: c.name.toLowerCase(),
    companyKey: (c.company ?? '').toLowerCase(),
    tagsKey: [...c.tags].sort().join(', ').toLowerCase(),
  }));
}

/** Stages in the order a relationship goes through them. */
const STAGE_ORDER: Record<string, number> = { prospect: 0, honeymoon: 1, established: 2, personal: 3, lost: 4 };

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Empty text sorts last whichever the direction: a contact without a company is not "first". */
const emptyLast = (a: string, b: string) => (a === '' ? 1 : 0) - (b === '' ? 1 : 0);

/**
 * Sorting is done once per sort order (memoised by the page), filtering on every keystroke:
 * a filter is then one linear pass that keeps the order, well under a frame for 10,000 rows.
 * Health sorts worst first (those needing care), contacts without a score last; last touch
 * sorts oldest first; company and tags alphabetically with the empty ones last; stage in the
 * order of the relationship. Ties go by name.
 */
export function sortContacts(rows: Indexed[], sort: SortKey, descending: boolean): Indexed[] {
  const dir = descending ? -1 : 1;
  const score = (r: Indexed) => r.contact.health?.score ?? Number.POSITIVE_INFINITY;
  const byName = (a: Indexed, b: Indexed) => byText(a.nameKey, b.nameKey);
  const primary: Record<SortKey, (a: Indexed, b: Indexed) => number> = {
    health: (a, b) => score(a) - score(b),
    'last-touch': (a, b) => a.lastTouch - b.lastTouch,
    name: byName,
    company: (a, b) => dir * byText(a.companyKey, b.companyKey),
    tags: (a, b) => dir * byText(a.tagsKey, b.tagsKey),
    stage: (a, b) => (STAGE_ORDER[a.contact.stage] ?? 9) - (STAGE_ORDER[b.contact.stage] ?? 9),
  };
  const first = primary[sort];
  if (sort === 'company' || sort === 'tags') {
    const key = sort === 'company' ? 'companyKey' : 'tagsKey';
    return [...rows].sort((a, b) => emptyLast(a[key], b[key]) || first(a, b) || byName(a, b));
  }
  return [...rows].sort((a, b) => dir * (first(a, b) || 0) || byName(a, b));
}

export function filterContacts(sorted: Indexed[], f: Omit<ContactFilter, 'sort' | 'descending'>): Contact[] {
  const q = f.q.trim().toLowerCase();
  const out: Contact[] = [];
  for (const r of sorted) {
    const c = r.contact;
    if (q && !r.haystack.includes(q)) continue;
    if (f.status && c.health?.status !== f.status) continue;
    if (f.stage && c.stage !== f.stage) continue;
    if (f.tag && !c.tags.includes(f.tag)) continue;
    if (f.owner && (f.owner === '-' ? c.owner_id : c.owner_id !== f.owner)) continue;
    out.push(c);
  }
  return out;
}

export function allTags(contacts: Contact[]): string[] {
  const set = new Set<string>();
  for (const c of contacts) for (const t of c.tags) set.add(t);
  return [...set].sort();
}
