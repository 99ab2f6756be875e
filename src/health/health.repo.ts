/**
 * Every query health needs. A batch of contacts (an id list, or an id range during a rescore)
 * costs a handful of queries whatever its size: the contacts, their interactions (with the
 * behaviour tags care reads), their recent snapshots, then the messages of the threads where
 * they wrote during the responsiveness window. Row types stay in here.
 */
import { sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Which contacts a batch covers: explicit ids, or every id in [from, to] (keyset paging). */
export type ContactSelector = { ids: string[] } | { from: string; to: string };

export interface HealthContactRow {
  id: string;
  name: string;
  kind: string;
  lost: number;
  tags: string;
  client_since: number | null;
  keep_in_touch_days: number | null;
  created_at: number;
}

export interface ParticipationRow {
  contact_id: string;
  role: string;
  id: string;
  kind: string;
  direction: string;
  occurred_at: number;
  automated: number;
  sentiment: number | null;
  thread_id: string | null;
  is_closer: number;
  text: string | null;
  /** Comma-separated behaviour tags, or null where none was read (see listParticipations). */
  behaviors: string | null;
}

export interface ThreadMessageRow {
  id: string;
  thread_id: string;
  direction: string;
  occurred_at: number;
  is_closer: number;
  /** Comma-separated contact ids of the senders of inbound mail; null for outbound mail. */
  senders: string | null;
}

/** The batch's contacts as a condition on `column`. */
function contactFilter(column: string, selector: ContactSelector): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  if (!('ids' in selector)) return sql<SqlBool>`${ref} between ${selector.from} and ${selector.to}`;
  if (selector.ids.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${ref} in (${sql.join(selector.ids)})`;
}

export function listContactIdPage(db: Db, workspaceId: string, after: string | null, limit: number) {
  let q = db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId);
  if (after !== null) q = q.where('id', '>', after);
  return q.orderBy('id').limit(limit).execute();
}

export function countContacts(db: Db, workspaceId: string) {
  return db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
}

export function listHealthContacts(db: Db, workspaceId: string, selector: ContactSelector): Promise<HealthContactRow[]> {
  const q = db
    .selectFrom('contacts')
    .select(['id', 'name', 'kind', 'lost', 'tags', 'client_since', 'keep_in_touch_days', 'created_at'])
    .where('workspace_id', '=', workspaceId);
  return q.where(contactFilter('id', selector)).execute() as Promise<HealthContactRow[]>;
}

/**
 * The contacts' interactions before `now`, one row per (contact, interaction). Text and tags
 * are read only where a metric looks at them, which keeps a full rescore from dragging every
 * body and tag through memory: the text of inbound email since `since.text` (competitor
 * mentions; null when none are configured), the tags of outbound interactions since
 * `since.tags` (care). The tag lookup is correlated, so it runs only for those rows.
 *
 * `lateral` (PostgreSQL only) fetches each interaction by primary key in a LATERAL subquery.
 * For a range of a large workspace's contacts the planner otherwise weighs a hash join over
 * every interaction of the workspace against the lookups, and picks the scan unless it can
 * spread the lookups over parallel workers: a full scan per batch makes a rescore quadratic.
 */
export function listParticipations(
  db: Db,
  workspaceId: string,
  selector: ContactSelector,
  now: number,
  since: { text: number | null; tags: number },
  lateral = false,
): Promise<ParticipationRow[]> {
  const text =
    since.text === null
      ? sql<string | null>`null`
      : sql<string | null>`case when i.direction = 'in' and i.kind = 'email' and i.occurred_at >= ${since.text} then i.body else null end`;
  // string_agg: PostgreSQL, and SQLite from 3.44 on (better-sqlite3 bundles a later one).
  const behaviors = sql<string | null>`case when i.direction = 'out' and i.automated = 0 and i.occurred_at >= ${since.tags} then (
      select string_agg(b.behavior, ',') from interaction_behaviors b where b.workspace_id = p.workspace_id and b.interaction_id = p.interaction_id
    ) else null end`;
  const columns = ['i.id', 'i.kind', 'i.direction', 'i.occurred_at', 'i.automated', 'i.sentiment', 'i.thread_id', 'i.is_closer'] as const;
  const participants = db.selectFrom('interaction_contacts as p').where('p.workspace_id', '=', workspaceId).where(contactFilter('p.contact_id', selector));
  const q = lateral
    ? participants
        .innerJoinLateral(
          (eb) =>
            eb
              .selectFrom('interactions as i')
              .select([...columns, text.as('text'), behaviors.as('behaviors')])
              .whereRef('i.workspace_id', '=', 'p.workspace_id')
              .whereRef('i.id', '=', 'p.interaction_id')
              .where('i.occurred_at', '<', now)
              // LIMIT keeps PostgreSQL from flattening the subquery back into a join.
              .limit(1)
              .as('i'),
          (join) => join.onTrue(),
        )
        .select(['p.contact_id', 'p.role', 'i.id', 'i.kind', 'i.direction', 'i.occurred_at', 'i.automated', 'i.sentiment', 'i.thread_id', 'i.is_closer', 'i.text', 'i.behaviors'])
    : participants
        .innerJoin('interactions as i', (j) => j.onRef('i.workspace_id', '=', 'p.workspace_id').onRef('i.id', '=', 'p.interaction_id'))
        .select(['p.contact_id', 'p.role', ...columns, text.as('text'), behaviors.as('behaviors')])
        .where('i.occurred_at', '<', now);
  return q.execute() as Promise<ParticipationRow[]>;
}

/**
 * Senders are a correlated lookup by primary key rather than a join: joined, PostgreSQL may
 * hash the whole workspace's participants for a few thousand messages. Recipients (to, cc,
 * bcc) are never senders.
 */
export function threadMessages(db: Db, workspaceId: string, now: number) {
  const senders = sql<string | null>`case when i.direction = 'in' then (
      select string_agg(p.contact_id, ',') from interaction_contacts p
      where p.workspace_id = i.workspace_id and p.interaction_id = i.id and p.role not in ('to', 'cc', 'bcc')
    ) else null end`;
  return db
    .selectFrom('interactions as i')
    .select(['i.id', 'i.thread_id', 'i.direction', 'i.occurred_at', 'i.is_closer', senders.as('senders')])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.kind', '=', 'email')
    .where('i.automated', '=', 0)
    .where('i.direction', 'in', ['in', 'out'])
    .where('i.occurred_at', '<', now);
}

/** Thread ids per query: far below SQLite's bound-parameter limit, and an index lookup per id on both engines. */
const THREADS_PER_QUERY = 1000;

/** Every message that counts for §4.1 (non-automated, non-internal email before `now`) in these threads. */
export async function listThreadMessages(db: Db, workspaceId: string, threadIds: readonly string[], now: number): Promise<ThreadMessageRow[]> {
  const rows: ThreadMessageRow[] = [];
  for (let i = 0; i < threadIds.length; i += THREADS_PER_QUERY) {
    const found = await threadMessages(db, workspaceId, now).where('i.thread_id', 'in', threadIds.slice(i, i + THREADS_PER_QUERY)).execute();
    for (const row of found) rows.push(row as ThreadMessageRow);
  }
  return rows;
}

/** The threads with an inbound, non-automated email in [since, now) (one row per such email). */
function threadsWithRecentInbound(db: Db, workspaceId: string, since: number, now: number) {
  return db
    .selectFrom('interactions')
    .select('thread_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .where('automated', '=', 0)
    .where('direction', '=', 'in')
    .where('occurred_at', '>=', since)
    .where('occurred_at', '<', now)
    .where('thread_id', 'is not', null);
}

/**
 * Messages of every thread with an inbound, non-automated email in [since, now), answered or
 * not: the whole walk, which the narrower reads are checked against. Unthreaded inbound emails
 * come back with their own id as thread id.
 */
export async function listThreadMessagesWithRecentInbound(db: Db, workspaceId: string, since: number, now: number): Promise<ThreadMessageRow[]> {
  const recent = threadsWithRecentInbound(db, workspaceId, since, now);
  const threaded = (await threadMessages(db, workspaceId, now).where('i.thread_id', 'in', recent).execute()) as ThreadMessageRow[];
  return [...threaded, ...(await listLooseInbound(db, workspaceId, since, now))];
}

/** Unthreaded inbound emails in [since, now), each a thread of its own (its own id as thread id). */
async function listLooseInbound(db: Db, workspaceId: string, since: number, now: number): Promise<ThreadMessageRow[]> {
  const loose = (await threadMessages(db, workspaceId, now)
    .where('i.thread_id', 'is', null)
    .where('i.direction', '=', 'in')
    .where('i.occurred_at', '>=', since)
    .execute()) as ThreadMessageRow[];
  return loose.map((m) => ({ ...m, thread_id: m.id }));
}

/**
 * Messages of the threads that can hold an open wait in [since, now). A thread holds one when
 * an inbound email that is not a thank-you came after its last reply, so of the threads with
 * inbound mail in the window only those whose latest such email is no older than their latest
 * reply are read (equal times stay in: the walk orders them by id). Both lists are read from
 * indexes that hold every column they need, the window's threads from the (workspace, kind,
 * time) index and the grouping from the thread index; most recent threads end with a reply
 * or a thank-you and are left out.
 */
export async function listOpenWaitThreadMessages(db: Db, workspaceId: string, since: number, now: number): Promise<ThreadMessageRow[]> {
  const recent = threadsWithRecentInbound(db, workspaceId, since, now);
  const awaiting = db
    .selectFrom('interactions')
    .select('thread_id')
    .where('workspace_id', '=', workspaceId)
    .where('thread_id', 'in', recent)
    .where('kind', '=', 'email')
    .where('automated', '=', 0)
    .where('occurred_at', '<', now)
    .where('direction', 'in', ['in', 'out'])
    .groupBy('thread_id')
    .having(
      sql<SqlBool>`max(case when direction = 'in' and is_closer = 0 then occurred_at end) >= coalesce(max(case when direction = 'out' then occurred_at end), ${since})`,
    );
  const threaded = (await threadMessages(db, workspaceId, now).where('i.thread_id', 'in', awaiting).execute()) as ThreadMessageRow[];
  return [...threaded, ...(await listLooseInbound(db, workspaceId, since, now))];
}

/**
 * The inbound text of open waits' threads since `from` (by interactions_thread_idx). An
 * unthreaded wait's thread id is its message's own id, so those are looked up by id.
 */
export async function listInboundInThreads(db: Db, workspaceId: string, threadIds: string[], from: number, now: number) {
  const out: { thread_id: string; occurred_at: number; subject: string | null; body: string | null; excerpt: string | null }[] = [];
  const inbound = () =>
    db
      .selectFrom('interactions')
      .select(['id', 'thread_id', 'occurred_at', 'subject', 'body', 'excerpt'])
      .where('workspace_id', '=', workspaceId)
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<', now)
      .where('direction', '=', 'in');
  for (let i = 0; i < threadIds.length; i += THREADS_PER_QUERY) {
    const chunk = threadIds.slice(i, i + THREADS_PER_QUERY);
    const threaded = chunk.filter((t) => !t.startsWith('ix_'));
    const loose = chunk.filter((t) => t.startsWith('ix_'));
    const rows = [
      ...(threaded.length ? await inbound().where('thread_id', 'in', threaded).execute() : []),
      // Unthreaded ones are kept in code: asked in SQL, "thread_id is null" led SQLite to walk every
      // unthreaded interaction of the window by the thread index instead of reading these ids.
      ...(loose.length ? (await inbound().where('id', 'in', loose).execute()).filter((r) => r.thread_id === null) : []),
    ];
    for (const r of rows) out.push({ thread_id: r.thread_id ?? r.id, occurred_at: r.occurred_at, subject: r.subject, body: r.body, excerpt: r.excerpt });
  }
  return out;
}

/** Scores kept in [sinceDay, beforeDay) (YYYY-MM-DD), for the slipping flag. */
export function listRecentSnapshots(db: Db, workspaceId: string, selector: ContactSelector, sinceDay: string, beforeDay: string) {
  const q = db
    .selectFrom('health_snapshots')
    .select(['contact_id', 'score'])
    .where('workspace_id', '=', workspaceId)
    .where('day', '>=', sinceDay)
    .where('day', '<', beforeDay);
  return q.where(contactFilter('contact_id', selector)).execute() as Promise<{ contact_id: string; score: number | null }[]>;
}

/** When the least recently scored contact of the workspace was scored; null when none was. */
export async function findOldestHealthComputedAt(db: Db, workspaceId: string): Promise<number | null> {
  const row = await db
    .selectFrom('contact_health')
    .select('computed_at')
    .where('workspace_id', '=', workspaceId)
    .orderBy('computed_at')
    .limit(1)
    .executeTakeFirst();
  return row?.computed_at ?? null;
}

/** The health stored by the last rescore for these contacts (those never scored are absent). */
export function listStoredHealth(db: Db, workspaceId: string, contactIds: string[]) {
  return db
    .selectFrom('contact_health')
    .select(['contact_id', 'score', 'status', 'slipping'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', contactIds)
    .execute();
}

export async function hasContacts(db: Db, workspaceId: string): Promise<boolean> {
  return !!(await db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).limit(1).executeTakeFirst());
}

export interface ContactHealthRow {
  workspace_id: string;
  contact_id: string;
  score: number | null;
  status: string | null;
  slipping: number;
  stage: string;
  last_touch_at: number | null;
  metrics: string;
  factors: string;
  computed_at: number;
}

export async function upsertContactHealth(db: Db, rows: ContactHealthRow[], day: string) {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await db
      .insertInto('contact_health')
      .values(batch)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'contact_id']).doUpdateSet((eb) => ({
          score: eb.ref('excluded.score'),
          status: eb.ref('excluded.status'),
          slipping: eb.ref('excluded.slipping'),
          stage: eb.ref('excluded.stage'),
          last_touch_at: eb.ref('excluded.last_touch_at'),
          metrics: eb.ref('excluded.metrics'),
          factors: eb.ref('excluded.factors'),
          computed_at: eb.ref('excluded.computed_at'),
        })),
      )
      .execute();
    await upsertSnapshots(db, batch, day);
  }
}

/** The day's snapshot of these contacts' scores (one row per contact and local day). */
export async function upsertSnapshots(db: Db, rows: Pick<ContactHealthRow, 'workspace_id' | 'contact_id' | 'score' | 'status'>[], day: string) {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('health_snapshots')
      .values(rows.slice(i, i + 500).map((r) => ({ workspace_id: r.workspace_id, contact_id: r.contact_id, day, score: r.score, status: r.status })))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'contact_id', 'day']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score'), status: eb.ref('excluded.status') })),
      )
      .execute();
  }
}

export function listPrimaryEmails(db: Db, workspaceId: string, contactIds: string[]) {
  if (contactIds.length === 0) return Promise.resolve([] as { contact_id: string; email: string; is_primary: number }[]);
  return db
    .selectFrom('contact_emails')
    .select(['contact_id', 'email', 'is_primary'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', contactIds)
    .orderBy('is_primary', 'desc')
    .orderBy('email')
    .execute();
}

export function listThreadSubjects(db: Db, workspaceId: string, threadIds: string[]) {
  if (threadIds.length === 0) return Promise.resolve([] as { id: string; subject: string | null }[]);
  return db.selectFrom('threads').select(['id', 'subject']).where('workspace_id', '=', workspaceId).where('id', 'in', threadIds).execute();
}

export function listInteractionSubjects(db: Db, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; subject: string | null }[]);
  return db.selectFrom('interactions').select(['id', 'subject']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

/** When the workspace's stored health was last computed (null: never). */
export async function findLastScoredAt(db: Kysely<Database>, workspaceId: string): Promise<number | null> {
  const row = await db.selectFrom('contact_health').select((eb) => eb.fn.max('computed_at').as('at')).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row?.at == null ? null : Number(row.at);
}
