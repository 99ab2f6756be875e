/**
 * Every query of the suggestions domain: stored suggestions, the last engine run, and the
 * read model the engine needs (contacts with their stored health, facts, commitments,
 * knowledge, recent tagged and inbound interactions). Each loader is one indexed query.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { INTERACTION_KINDS } from '../interactions/interactions.schema.js';
import { DAY_MS } from '../shared/time.js';
import type { SuggestionsTable } from './suggestions.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type SuggestionRow = Omit<SuggestionsTable, 'status'> & { status: string };
export type SuggestionListRow = SuggestionRow & { contact_name: string; contact_email: string | null };

// ---- stored suggestions -------------------------------------------------------------------

export function listSuggestionRows(db: Db, workspaceId: string): Promise<SuggestionRow[]> {
  return db.selectFrom('suggestions').selectAll().where('workspace_id', '=', workspaceId).execute() as Promise<SuggestionRow[]>;
}

function presentedQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom('suggestions as s')
    .innerJoin('contacts as c', (j) => j.onRef('c.workspace_id', '=', 's.workspace_id').onRef('c.id', '=', 's.contact_id'))
    .leftJoin('contact_emails as e', (j) => j.onRef('e.workspace_id', '=', 's.workspace_id').onRef('e.contact_id', '=', 's.contact_id').on('e.is_primary', '=', 1))
    .selectAll('s')
    .select(['c.name as contact_name', 'e.email as contact_email'])
    .where('s.workspace_id', '=', workspaceId);
}

/** Presented rows of these suggestions, best first. */
export async function listSuggestionListRowsIn(db: Db, workspaceId: string, ids: string[]): Promise<SuggestionListRow[]> {
  const rows: SuggestionListRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(...((await presentedQuery(db, workspaceId).where('s.id', 'in', ids.slice(i, i + 500)).execute()) as SuggestionListRow[]));
  }
  return rows.sort((a, b) => b.priority - a.priority || a.due_at - b.due_at);
}

export function findSuggestionListRow(db: Db, workspaceId: string, id: string): Promise<SuggestionListRow | undefined> {
  return presentedQuery(db, workspaceId).where('s.id', '=', id).executeTakeFirst() as Promise<SuggestionListRow | undefined>;
}

/**
 * Open suggestions, and snoozed ones whose time has come, best first. Without filters the
 * top N come straight off suggestions_rank_idx and only their contacts are joined, so the
 * cost does not grow with the number of open suggestions.
 */
export async function listOpenSuggestionRows(
  db: Db,
  workspaceId: string,
  now: number,
  filter: { limit: number; ownerId?: string; contactId?: string },
): Promise<SuggestionListRow[]> {
  if (!filter.ownerId && !filter.contactId) return listTopSuggestionRows(db, workspaceId, now, filter.limit);
  let q = presentedQuery(db, workspaceId).where((eb) =>
    eb.or([eb('s.status', '=', 'open'), eb.and([eb('s.status', '=', 'snoozed'), eb('s.snoozed_until', '<=', now)])]),
  );
  if (filter.ownerId) q = q.where((eb) => eb.or([eb('c.owner_id', '=', filter.ownerId!), eb('c.owner_id', 'is', null)]));
  if (filter.contactId) q = q.where('s.contact_id', '=', filter.contactId);
  return q.orderBy('s.priority', 'desc').orderBy('s.due_at').orderBy('s.cause').limit(filter.limit).execute() as Promise<SuggestionListRow[]>;
}

async function listTopSuggestionRows(db: Db, workspaceId: string, now: number, limit: number): Promise<SuggestionListRow[]> {
  const ranked = (q: ReturnType<typeof baseQuery>) => q.orderBy('priority', 'desc').orderBy('due_at').orderBy('cause').limit(limit);
  function baseQuery() {
    return db.selectFrom('suggestions').selectAll().where('workspace_id', '=', workspaceId);
  }
  const [open, back] = await Promise.all([
    ranked(baseQuery().where('status', '=', 'open')).execute(),
    ranked(baseQuery().where('status', '=', 'snoozed').where('snoozed_until', '<=', now)).execute(),
  ]);
  const top = ([...open, ...back] as SuggestionRow[])
    .sort((a, b) => b.priority - a.priority || a.due_at - b.due_at || (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0))
    .slice(0, limit);
  const ids = [...new Set(top.map((s) => s.contact_id))];
  if (ids.length === 0) return [];
  const people = await db
    .selectFrom('contacts as c')
    .leftJoin('contact_emails as e', (j) => j.onRef('e.workspace_id', '=', 'c.workspace_id').onRef('e.contact_id', '=', 'c.id').on('e.is_primary', '=', 1))
    .select(['c.id', 'c.name', 'e.email'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', 'in', ids)
    .execute();
  const byId = new Map(people.map((p) => [p.id, p]));
  return top.flatMap((s) => {
    const p = byId.get(s.contact_id);
    return p ? [{ ...s, contact_name: p.name, contact_email: p.email }] : [];
  });
}

/**
 * Inserts the rows another run has not inserted first (two runs of one workspace may overlap:
 * a request and the worker, or two tabs); returns the ids it inserted.
 */
export async function insertSuggestionRows(db: Db, rows: SuggestionRow[]): Promise<string[]> {
  const inserted: string[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const batch = await db
      .insertInto('suggestions')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    for (const r of batch) inserted.push(r.id);
  }
  return inserted;
}

export function updateSuggestionRow(db: Db, workspaceId: string, id: string, values: Partial<SuggestionRow>) {
  return db.updateTable('suggestions').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function deleteSuggestionRows(db: Db, workspaceId: string, ids: string[]) {
  for (let i = 0; i < ids.length; i += 500) {
    await db.deleteFrom('suggestions').where('workspace_id', '=', workspaceId).where('id', 'in', ids.slice(i, i + 500)).execute();
  }
}

// ---- the last engine run -----------------------------------------------------------------

export function findRun(db: Db, workspaceId: string) {
  return db.selectFrom('suggestion_runs').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
}

/** `stamp` names the run's epoch (its day and settings); `marks` the data it had seen. */
export async function saveRun(db: Db, workspaceId: string, engineNow: number, stamp: string, ranAt: number, marks: RunMarks) {
  const values = { engine_now: engineNow, stamp, ran_at: ranAt, marks: JSON.stringify(marks) };
  await db
    .insertInto('suggestion_runs')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
}

/**
 * Tells the next run what its marks cannot see (an edit or a deletion): with contacts, only
 * theirs are recomputed; without, the whole workspace is.
 */
export async function forgetRun(db: Db, workspaceId: string, contactIds?: readonly string[]) {
  if (!contactIds) {
    await db.deleteFrom('suggestion_runs').where('workspace_id', '=', workspaceId).execute();
    return;
  }
  const ids = [...new Set(contactIds)];
  for (let i = 0; i < ids.length; i += 200) {
    await db
      .insertInto('suggestion_contacts')
      .values(ids.slice(i, i + 200).map((contact_id) => ({ workspace_id: workspaceId, contact_id, valid_until: 0, stamp: '' })))
      .onConflict((oc) => oc.columns(['workspace_id', 'contact_id']).doUpdateSet({ valid_until: 0 }))
      .execute();
  }
}

/** The newest of what the engine reads, from index-only lookups: what a run had seen. */
export interface RunMarks {
  /** Newest interaction, fact and commitment ids (ids grow with time). */
  ix: string;
  fa: string;
  cm: string;
  /** Latest contact edit and rescore. */
  cu: number;
  hc: number;
  /** Contacts and knowledge items: a deletion or a new item touches every contact. */
  cc: number;
  kc: number;
  ku: string;
  /** Settings. */
  wu: number;
}

export async function readMarks(db: Db, ws: string): Promise<RunMarks> {
  const { rows } = await sql<Record<string, unknown>>`select
      (select id from interactions where workspace_id = ${ws} order by id desc limit 1) as ix,
      (select id from facts where workspace_id = ${ws} order by id desc limit 1) as fa,
      (select id from commitments where workspace_id = ${ws} order by id desc limit 1) as cm,
      (select updated_at from contacts where workspace_id = ${ws} order by updated_at desc limit 1) as cu,
      (select computed_at from contact_health where workspace_id = ${ws} order by computed_at desc limit 1) as hc,
      (select count(*) from contacts where workspace_id = ${ws}) as cc,
      (select count(*) from knowledge_items where workspace_id = ${ws}) as kc,
      (select id from knowledge_items where workspace_id = ${ws} order by id desc limit 1) as ku,
      (select updated_at from workspaces where id = ${ws}) as wu`.execute(db);
  const r = rows[0] ?? {};
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return { ix: text(r.ix), fa: text(r.fa), cm: text(r.cm), cu: Number(r.cu ?? 0), hc: Number(r.hc ?? 0), cc: Number(r.cc ?? 0), kc: Number(r.kc ?? 0), ku: text(r.ku), wu: Number(r.wu ?? 0) };
}

/**
 * The contacts whose data changed since a run with these marks at `since` (its `now`), or
 * whose suggestions' time has come by `now`: new interactions, and older ones that `now`
 * has reached (dated ahead), new facts and commitments, edited contacts, rescored health,
 * and contacts marked by forgetRun. No DISTINCT: the sets drop repeats, and with it SQLite
 * scanned every fact of the workspace by contact instead of reading the new ids by key.
 */
export async function listChangedContacts(db: Db, ws: string, marks: RunMarks, since: number, now: number): Promise<{ changed: Set<string>; rows: Set<string> }> {
  const byData = new Set<string>();
  const byRow = new Set<string>();
  const add = (set: Set<string>) => (rows: { contact_id: string }[]) => {
    for (const r of rows) set.add(r.contact_id);
  };
  const participants = () =>
    db.selectFrom('interactions as i').innerJoin('interaction_contacts as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id')).select('p.contact_id').where('i.workspace_id', '=', ws);
  add(byData)(await participants().where('i.id', '>', marks.ix).execute());
  add(byData)(await participants().where('i.kind', 'in', [...INTERACTION_KINDS]).where('i.occurred_at', '>=', since).where('i.occurred_at', '<', now).execute());
  add(byData)(await db.selectFrom('facts').select('contact_id').where('workspace_id', '=', ws).where('id', '>', marks.fa).execute());
  add(byData)(await db.selectFrom('commitments').select('contact_id').where('workspace_id', '=', ws).where('id', '>', marks.cm).execute());
  add(byData)(await db.selectFrom('suggestion_contacts').select('contact_id').where('workspace_id', '=', ws).where('valid_until', '<=', now).execute());
  add(byRow)(await db.selectFrom('contacts').select('id as contact_id').where('workspace_id', '=', ws).where('updated_at', '>', marks.cu).execute());
  add(byRow)(await db.selectFrom('contact_health').select('contact_id').where('workspace_id', '=', ws).where('computed_at', '>', marks.hc).execute());
  return { changed: byData, rows: byRow };
}

/** The stored stamps of these contacts (see suggestion_contacts). */
export async function listContactStamps(db: Db, ws: string, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('suggestion_contacts').select(['contact_id', 'stamp']).where('workspace_id', '=', ws).where('contact_id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.contact_id, r.stamp);
  }
  return out;
}

/** Records until when each recomputed contact holds; a full run replaces every row. */
export async function saveContactValidity(
  db: Db,
  ws: string,
  rows: { contact_id: string; valid_until: number; stamp: string; reply_until: number; replies: string | null }[],
  full: boolean,
) {
  if (full) await db.deleteFrom('suggestion_contacts').where('workspace_id', '=', ws).execute();
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('suggestion_contacts')
      .values(rows.slice(i, i + 200).map((r) => ({ workspace_id: ws, ...r })))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'contact_id']).doUpdateSet((eb) => ({
          valid_until: eb.ref('excluded.valid_until'),
          stamp: eb.ref('excluded.stamp'),
          reply_until: eb.ref('excluded.reply_until'),
          replies: eb.ref('excluded.replies'),
        })),
      )
      .execute();
  }
}

/** Contacts whose replies read differently by `now` while the rest of their suggestions hold. */
export function listRepliesDue(db: Db, ws: string, now: number) {
  return db
    .selectFrom('suggestion_contacts')
    .select(['contact_id', 'replies'])
    .where('workspace_id', '=', ws)
    .where('reply_until', '<=', now)
    .where('valid_until', '>', now)
    .execute();
}

export async function saveReplyUntil(db: Db, ws: string, rows: { contact_id: string; reply_until: number }[]) {
  for (const r of rows) {
    await db.updateTable('suggestion_contacts').set({ reply_until: r.reply_until }).where('workspace_id', '=', ws).where('contact_id', '=', r.contact_id).execute();
  }
}

/** Stored suggestions of these contacts (of one kind), and those with these ids. */
export async function listSuggestionRowsOf(db: Db, ws: string, contactIds: readonly string[], ids: readonly string[], kind?: string): Promise<SuggestionRow[]> {
  const out = new Map<string, SuggestionRow>();
  for (let i = 0; i < contactIds.length; i += 500) {
    let q = db.selectFrom('suggestions').selectAll().where('workspace_id', '=', ws).where('contact_id', 'in', contactIds.slice(i, i + 500));
    if (kind) q = q.where('kind', '=', kind);
    for (const r of await q.execute()) out.set(r.id, r as SuggestionRow);
  }
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db.selectFrom('suggestions').selectAll().where('workspace_id', '=', ws).where('id', 'in', ids.slice(i, i + 500)).execute()) out.set(r.id, r as SuggestionRow);
  }
  return [...out.values()];
}

// ---- the engine's input ------------------------------------------------------------------

/**
 * The interactions of a few contacts, driven from their links (interaction_contacts_contact_idx)
 * and then by primary key: a cross join keeps SQLite from starting at a time index over the
 * whole workspace's mail, which took seconds for a few hundred contacts.
 */
function interactionsOf(db: Db, workspaceId: string, contactIds: readonly string[]) {
  return db
    .selectFrom('interaction_contacts as p')
    .crossJoin('interactions as i')
    .where('p.workspace_id', '=', workspaceId)
    .where('p.contact_id', 'in', contactIds)
    .whereRef('i.workspace_id', '=', 'p.workspace_id')
    .whereRef('i.id', '=', 'p.interaction_id');
}

export function listContactsForEngine(db: Db, workspaceId: string, ids?: readonly string[]) {
  let q = db
    .selectFrom('contacts as c')
    .leftJoin('contact_emails as e', (j) => j.onRef('e.workspace_id', '=', 'c.workspace_id').onRef('e.contact_id', '=', 'c.id').on('e.is_primary', '=', 1))
    .leftJoin('contact_health as h', (j) => j.onRef('h.workspace_id', '=', 'c.workspace_id').onRef('h.contact_id', '=', 'c.id'))
    .select([
      'c.id',
      'c.name',
      'c.kind',
      'c.lost',
      'c.client_since',
      'c.first_seen_at',
      'c.created_at',
      'c.keep_in_touch_days',
      'e.email',
      'h.score',
      'h.status',
      'h.slipping',
      'h.last_touch_at',
      'h.metrics',
    ])
    .where('c.workspace_id', '=', workspaceId);
  if (ids) q = q.where('c.id', 'in', ids);
  return q.orderBy('c.id').execute();
}

export function listFactsForEngine(db: Db, workspaceId: string, ids?: readonly string[]) {
  let q = db.selectFrom('facts').select(['id', 'contact_id', 'kind', 'text', 'date', 'yearly', 'created_at']).where('workspace_id', '=', workspaceId);
  if (ids) q = q.where('contact_id', 'in', ids);
  return q.orderBy('id').execute();
}

export function listOpenCommitmentsDueBefore(db: Db, workspaceId: string, before: number, ids?: readonly string[]) {
  let q = db
    .selectFrom('commitments')
    .select(['id', 'contact_id', 'text', 'due_at'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'open')
    .where('due_at', '<', before);
  if (ids) q = q.where('contact_id', 'in', ids);
  return q.orderBy('due_at').orderBy('id').execute();
}

export function listKnowledgeForEngine(db: Db, workspaceId: string) {
  return db.selectFrom('knowledge_items').select(['id', 'title', 'url', 'topics', 'created_at']).where('workspace_id', '=', workspaceId).execute();
}

export function listSharesForEngine(db: Db, workspaceId: string, ids?: readonly string[]) {
  const q = db.selectFrom('knowledge_shares').select(['knowledge_id', 'contact_id']).where('workspace_id', '=', workspaceId);
  return (ids ? q.where('contact_id', 'in', ids) : q).execute();
}

/**
 * Per contact, the latest outbound interaction tagged compliment or interest (last 15 days)
 * or surprise (last 180 days, by tag or by kind).
 */
export async function listRecentGives(db: Db, workspaceId: string, now: number, ids?: readonly string[]) {
  if (ids) return listRecentGivesOf(db, workspaceId, now, ids);
  // The tagged interactions first, found through the behaviour index, then their contacts:
  // joined in one flat query, SQLite walked every contact link of the workspace instead.
  const gives = db
    .selectFrom('interaction_behaviors as b')
    .innerJoin('interactions as i', (j) => j.onRef('i.workspace_id', '=', 'b.workspace_id').onRef('i.id', '=', 'b.interaction_id'))
    .select(['b.workspace_id', 'b.interaction_id', 'b.behavior', 'i.occurred_at'])
    .where('b.workspace_id', '=', workspaceId)
    .where('b.behavior', 'in', ['surprise', 'compliment', 'interest'])
    .where('i.direction', '=', 'out')
    .where('i.occurred_at', '<', now)
    .where('i.occurred_at', '>=', now - 180 * DAY_MS)
    .where((eb) => eb.or([eb('b.behavior', '=', 'surprise'), eb('i.occurred_at', '>=', now - 15 * DAY_MS)]));
  let tagged = db
    .selectFrom(gives.as('g'))
    .innerJoin('interaction_contacts as p', (j) => j.onRef('p.workspace_id', '=', 'g.workspace_id').onRef('p.interaction_id', '=', 'g.interaction_id'))
    .select(['p.contact_id', 'g.behavior'])
    .select((eb) => eb.fn.max('g.occurred_at').as('at'));
  let surprises = db
    .selectFrom('interactions as i')
    .innerJoin('interaction_contacts as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id'))
    .select(['p.contact_id'])
    .select((eb) => eb.fn.max('i.occurred_at').as('at'))
    .where('i.workspace_id', '=', workspaceId)
    .where('i.kind', '=', 'surprise')
    .where('i.direction', '!=', 'internal')
    .where('i.occurred_at', '>=', now - 180 * DAY_MS)
    .where('i.occurred_at', '<', now);
  if (ids) {
    tagged = tagged.where('p.contact_id', 'in', ids);
    surprises = surprises.where('p.contact_id', 'in', ids);
  }
  const [taggedRows, surpriseRows] = [await tagged.groupBy(['p.contact_id', 'g.behavior']).execute(), await surprises.groupBy('p.contact_id').execute()];
  return [
    ...taggedRows.map((t) => ({ contact_id: t.contact_id, behavior: t.behavior, at: Number(t.at) })),
    ...surpriseRows.map((s) => ({ contact_id: s.contact_id, behavior: 'surprise', at: Number(s.at) })),
  ];
}

/** listRecentGives for a few contacts. */
async function listRecentGivesOf(db: Db, workspaceId: string, now: number, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const recent = () => interactionsOf(db, workspaceId, ids).where('i.occurred_at', '<', now).where('i.occurred_at', '>=', now - 180 * DAY_MS);
  const tagged = await recent()
    .crossJoin('interaction_behaviors as b')
    .whereRef('b.workspace_id', '=', 'i.workspace_id')
    .whereRef('b.interaction_id', '=', 'i.id')
    .where('b.behavior', 'in', ['surprise', 'compliment', 'interest'])
    .where('i.direction', '=', 'out')
    .where((eb) => eb.or([eb('b.behavior', '=', 'surprise'), eb('i.occurred_at', '>=', now - 15 * DAY_MS)]))
    .select(['p.contact_id', 'b.behavior'])
    .select((eb) => eb.fn.max('i.occurred_at').as('at'))
    .groupBy(['p.contact_id', 'b.behavior'])
    .execute();
  const surprises = await recent()
    .where('i.kind', '=', 'surprise')
    .where('i.direction', '!=', 'internal')
    .select(['p.contact_id'])
    .select((eb) => eb.fn.max('i.occurred_at').as('at'))
    .groupBy('p.contact_id')
    .execute();
  return [
    ...tagged.map((t) => ({ contact_id: t.contact_id, behavior: t.behavior, at: Number(t.at) })),
    ...surprises.map((s) => ({ contact_id: s.contact_id, behavior: 'surprise', at: Number(s.at) })),
  ];
}

/** Non-automated inbound mail and messages of the window, with the contacts they came from. */
export function listInboundTexts(db: Db, workspaceId: string, from: number, to: number, contactIds?: readonly string[]) {
  if (contactIds) {
    if (contactIds.length === 0) return Promise.resolve([]);
    return interactionsOf(db, workspaceId, contactIds)
      .select(['i.id', 'i.occurred_at', 'i.subject', 'i.body', 'i.excerpt', 'p.contact_id'])
      .where('i.kind', 'in', ['email', 'message'])
      .where('i.occurred_at', '>=', from)
      .where('i.occurred_at', '<', to)
      .where('i.direction', '=', 'in')
      .where('i.automated', '=', 0)
      .orderBy('i.occurred_at', 'desc')
      .orderBy('i.id')
      .execute();
  }
  const q = db
    .selectFrom('interactions as i')
    .innerJoin('interaction_contacts as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id'))
    .select(['i.id', 'i.occurred_at', 'i.subject', 'i.body', 'i.excerpt', 'p.contact_id'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.kind', 'in', ['email', 'message'])
    .where('i.occurred_at', '>=', from)
    .where('i.occurred_at', '<', to)
    .where('i.direction', '=', 'in')
    .where('i.automated', '=', 0);
  return q.orderBy('i.occurred_at', 'desc').orderBy('i.id').execute();
}

/** The inbound text of waiting threads: one query shared with the open waits' competitors. */
export { listInboundInThreads } from '../health/health.repo.js';

/** The messages these contacts sent (as sender) in [since, now): where their open waits can be. */
export function listSentThreadsOf(db: Db, workspaceId: string, contactIds: readonly string[], since: number, now: number) {
  if (contactIds.length === 0) return Promise.resolve([] as { id: string; thread_id: string | null }[]);
  return interactionsOf(db, workspaceId, contactIds)
    .select(['i.id', 'i.thread_id'])
    .where('p.role', 'not in', ['to', 'cc', 'bcc'])
    .where('i.kind', '=', 'email')
    .where('i.automated', '=', 0)
    .where('i.direction', '=', 'in')
    .where('i.occurred_at', '>=', since)
    .where('i.occurred_at', '<', now)
    .execute();
}
