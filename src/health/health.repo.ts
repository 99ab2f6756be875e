/**
 * Every query health needs. A batch of contacts (an id list, or an id range during a rescore)
 * costs five queries whatever its size: the contacts, their interactions, the behaviour tags,
 * the messages of their threads, and the recent snapshots. Row types stay in here.
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
}

export interface ThreadMessageRow {
  id: string;
  thread_id: string;
  direction: string;
  occurred_at: number;
  is_closer: number;
  sender: string | null;
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
 * The contacts' interactions before `now`, one row per (contact, interaction). The text is
 * read only where a metric needs it (their recent emails, when competitors are configured),
 * which keeps a full rescore from dragging every body through memory.
 */
export function listParticipations(
  db: Db,
  workspaceId: string,
  selector: ContactSelector,
  now: number,
  textSince: number | null,
): Promise<ParticipationRow[]> {
  const text =
    textSince === null
      ? sql<string | null>`null`
      : sql<string | null>`case when i.direction = 'in' and i.kind = 'email' and i.occurred_at >= ${textSince} then i.body else null end`;
  const q = db
    .selectFrom('interaction_contacts as p')
    .innerJoin('interactions as i', (j) => j.onRef('i.workspace_id', '=', 'p.workspace_id').onRef('i.id', '=', 'p.interaction_id'))
    .select([
      'p.contact_id',
      'p.role',
      'i.id',
      'i.kind',
      'i.direction',
      'i.occurred_at',
      'i.automated',
      'i.sentiment',
      'i.thread_id',
      'i.is_closer',
      text.as('text'),
    ])
    .where('p.workspace_id', '=', workspaceId)
    .where('i.occurred_at', '<', now);
  return q.where(contactFilter('p.contact_id', selector)).execute() as Promise<ParticipationRow[]>;
}

/**
 * Behaviour tags of the contacts' interactions. Direction and window are applied in memory
 * (care reads outbound interactions of the last 180 days), which spares a join on the
 * interactions table.
 */
export function listContactTags(db: Db, workspaceId: string, selector: ContactSelector) {
  const q = db
    .selectFrom('interaction_contacts as p')
    .innerJoin('interaction_behaviors as b', (j) => j.onRef('b.workspace_id', '=', 'p.workspace_id').onRef('b.interaction_id', '=', 'p.interaction_id'))
    .select(['b.interaction_id', 'b.behavior'])
    .distinct()
    .where('p.workspace_id', '=', workspaceId);
  return q.where(contactFilter('p.contact_id', selector)).execute() as Promise<{ interaction_id: string; behavior: string }[]>;
}

/**
 * Every message that counts for §4.1 (non-automated, non-internal email before `now`) in the
 * threads the contacts take part in, with its senders: one row per sender, a null sender for
 * outbound mail. Recipients (to, cc, bcc) are never senders.
 */
export function listThreadMessages(db: Db, workspaceId: string, selector: ContactSelector, now: number): Promise<ThreadMessageRow[]> {
  let threads = db
    .selectFrom('interaction_contacts as p2')
    .innerJoin('interactions as i2', (j) => j.onRef('i2.workspace_id', '=', 'p2.workspace_id').onRef('i2.id', '=', 'p2.interaction_id'))
    .select('i2.thread_id')
    .distinct()
    .where('p2.workspace_id', '=', workspaceId)
    .where('i2.kind', '=', 'email')
    .where('i2.thread_id', 'is not', null);
  threads = threads.where(contactFilter('p2.contact_id', selector));
  // Joined as a derived table rather than `thread_id in (…)`: with IN, SQLite prefers scanning
  // every email of the workspace by kind, which makes a rescore quadratic.
  return db
    .selectFrom(threads.as('t'))
    .innerJoin('interactions as i', (j) => j.on('i.workspace_id', '=', workspaceId).onRef('i.thread_id', '=', 't.thread_id'))
    .leftJoin('interaction_contacts as p', (j) =>
      j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id').on('i.direction', '=', 'in').on('p.role', 'not in', ['to', 'cc', 'bcc']),
    )
    .select(['i.id', 'i.thread_id', 'i.direction', 'i.occurred_at', 'i.is_closer', 'p.contact_id as sender'])
    .where('i.kind', '=', 'email')
    .where('i.automated', '=', 0)
    .where('i.direction', 'in', ['in', 'out'])
    .where('i.occurred_at', '<', now)
    .execute() as Promise<ThreadMessageRow[]>;
}

function threadMessages(db: Db, workspaceId: string, now: number) {
  return db
    .selectFrom('interactions as i')
    .leftJoin('interaction_contacts as p', (j) =>
      j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id').on('i.direction', '=', 'in').on('p.role', 'not in', ['to', 'cc', 'bcc']),
    )
    .select(['i.id', 'i.thread_id', 'i.direction', 'i.occurred_at', 'i.is_closer', 'p.contact_id as sender'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.kind', '=', 'email')
    .where('i.automated', '=', 0)
    .where('i.direction', 'in', ['in', 'out'])
    .where('i.occurred_at', '<', now);
}

/**
 * Messages of the threads that can hold an open wait in [since, now): those with an inbound,
 * non-automated email in that window. Unthreaded inbound emails come back with their own id
 * as thread id.
 */
export async function listThreadMessagesWithRecentInbound(db: Db, workspaceId: string, since: number, now: number): Promise<ThreadMessageRow[]> {
  const recent = db
    .selectFrom('interactions')
    .select('thread_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .where('automated', '=', 0)
    .where('direction', '=', 'in')
    .where('occurred_at', '>=', since)
    .where('occurred_at', '<', now)
    .where('thread_id', 'is not', null);
  const threaded = (await threadMessages(db, workspaceId, now).where('i.thread_id', 'in', recent).execute()) as ThreadMessageRow[];
  const loose = (await threadMessages(db, workspaceId, now)
    .where('i.thread_id', 'is', null)
    .where('i.direction', '=', 'in')
    .where('i.occurred_at', '>=', since)
    .execute()) as ThreadMessageRow[];
  return [...threaded, ...loose.map((m) => ({ ...m, thread_id: m.id }))];
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
    await db
      .insertInto('health_snapshots')
      .values(batch.map((r) => ({ workspace_id: r.workspace_id, contact_id: r.contact_id, day, score: r.score, status: r.status })))
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
