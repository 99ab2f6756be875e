/** Queries of the threading rules (SPEC §3.4), batched with IN lists. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { chunks } from './mail-import.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ThreadNode {
  id: string;
  message_id: string | null;
  subject: string | null;
  subject_key: string | null;
  occurred_at: number;
  thread_id: string | null;
}

export async function loadNodes(db: Db, ws: string, ids: string[]): Promise<ThreadNode[]> {
  const out: ThreadNode[] = [];
  for (const part of chunks(ids, 500)) {
    out.push(
      ...(await db
        .selectFrom('interactions')
        .select(['id', 'message_id', 'subject', 'subject_key', 'occurred_at', 'thread_id'])
        .where('workspace_id', '=', ws)
        .where('id', 'in', part)
        .execute()),
    );
  }
  return out;
}

/** The ids of every message of the given threads. */
export async function listThreadMembers(db: Db, ws: string, threadIds: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks(threadIds, 500)) {
    const rows = await db.selectFrom('interactions').select('id').where('workspace_id', '=', ws).where('thread_id', 'in', part).execute();
    for (const r of rows) out.push(r.id);
  }
  return out;
}

/** The Message-IDs each message references. */
export async function listRefsOf(db: Db, ws: string, ids: string[]) {
  const out: { interaction_id: string; ref_message_id: string }[] = [];
  for (const part of chunks(ids, 500)) {
    out.push(
      ...(await db
        .selectFrom('interaction_refs')
        .select(['interaction_id', 'ref_message_id'])
        .where('workspace_id', '=', ws)
        .where('interaction_id', 'in', part)
        .execute()),
    );
  }
  return out;
}

/** Stored messages having these Message-IDs. */
export async function findByMessageIds(db: Db, ws: string, messageIds: string[]) {
  const out: { id: string; message_id: string | null }[] = [];
  for (const part of chunks(messageIds, 500)) {
    out.push(
      ...(await db.selectFrom('interactions').select(['id', 'message_id']).where('workspace_id', '=', ws).where('message_id', 'in', part).execute()),
    );
  }
  return out;
}

/** Stored messages that reference these Message-IDs (a parent arriving after its children). */
export async function findReferencers(db: Db, ws: string, messageIds: string[]) {
  const out: { interaction_id: string; ref_message_id: string }[] = [];
  for (const part of chunks(messageIds, 500)) {
    out.push(
      ...(await db
        .selectFrom('interaction_refs')
        .select(['interaction_id', 'ref_message_id'])
        .where('workspace_id', '=', ws)
        .where('ref_message_id', 'in', part)
        .execute()),
    );
  }
  return out;
}

export interface SubjectKeyRow {
  interaction_id: string;
  subject_key: string;
  counterpart: string;
  occurred_at: number;
}

export async function listSubjectKeysOf(db: Db, ws: string, ids: string[]): Promise<SubjectKeyRow[]> {
  const out: SubjectKeyRow[] = [];
  for (const part of chunks(ids, 500)) {
    out.push(
      ...(await db
        .selectFrom('thread_subject_keys')
        .select(['interaction_id', 'subject_key', 'counterpart', 'occurred_at'])
        .where('workspace_id', '=', ws)
        .where('interaction_id', 'in', part)
        .execute()),
    );
  }
  return out;
}

/** Messages sharing one of the (subject, counterpart) pairs, within [from, to]. A superset: the caller filters by pair and window. */
export async function findSubjectCandidates(db: Db, ws: string, keys: { subject_key: string; counterpart: string }[], from: number, to: number) {
  const out: SubjectKeyRow[] = [];
  const bySubject = new Map<string, Set<string>>();
  for (const k of keys) bySubject.set(k.subject_key, (bySubject.get(k.subject_key) ?? new Set()).add(k.counterpart));
  const subjects = [...bySubject.keys()];
  for (const part of chunks(subjects, 200)) {
    const counterparts = [...new Set(part.flatMap((s) => [...bySubject.get(s)!]))];
    for (const cpart of chunks(counterparts, 300)) {
      const rows = await db
        .selectFrom('thread_subject_keys')
        .select(['interaction_id', 'subject_key', 'counterpart', 'occurred_at'])
        .where('workspace_id', '=', ws)
        .where('subject_key', 'in', part)
        .where('counterpart', 'in', cpart)
        .where('occurred_at', '>=', from)
        .where('occurred_at', '<=', to)
        .execute();
      for (const r of rows) if (bySubject.get(r.subject_key)?.has(r.counterpart)) out.push(r);
    }
  }
  return out;
}

/** Sets thread_id of many messages with one statement per few hundred (CASE), not one per message. */
export async function setThreadIds(db: Db, ws: string, assignments: [id: string, threadId: string][]) {
  for (const part of chunks(assignments, 300)) {
    const cases = sql.join(part.map(([id, t]) => sql`when ${id} then ${t}`), sql` `);
    await db
      .updateTable('interactions')
      .set({ thread_id: sql<string>`case id ${cases} end` })
      .where('workspace_id', '=', ws)
      .where(
        'id',
        'in',
        part.map(([id]) => id),
      )
      .execute();
  }
}

export interface ThreadRow {
  id: string;
  subject: string | null;
  first_at: number;
  last_at: number;
  message_count: number;
}

export async function upsertThreads(db: Db, ws: string, rows: ThreadRow[]) {
  for (const part of chunks(rows, 2000)) {
    await db
      .insertInto('threads')
      .values(part.map((r) => ({ workspace_id: ws, ...r })))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'id']).doUpdateSet((eb) => ({
          subject: eb.ref('excluded.subject'),
          first_at: eb.ref('excluded.first_at'),
          last_at: eb.ref('excluded.last_at'),
          message_count: eb.ref('excluded.message_count'),
        })),
      )
      .execute();
  }
}

export async function deleteThreads(db: Db, ws: string, ids: string[]) {
  for (const part of chunks(ids, 500)) await db.deleteFrom('threads').where('workspace_id', '=', ws).where('id', 'in', part).execute();
}

/**
 * The reads and writes of rethread() for one workspace, inside the caller's transaction.
 * Two implementations: these Kysely queries (IN lists, any dialect) and, on SQLite, cached
 * prepared statements (threading.sqlite.ts), where a point look-up costs microseconds.
 */
export interface ThreadStore {
  loadNodes(ids: string[]): Promise<ThreadNode[]>;
  listThreadMembers(threadIds: string[]): Promise<string[]>;
  listRefsOf(ids: string[]): Promise<{ interaction_id: string; ref_message_id: string }[]>;
  findByMessageIds(messageIds: string[]): Promise<{ id: string; message_id: string | null }[]>;
  findReferencers(messageIds: string[]): Promise<{ interaction_id: string; ref_message_id: string }[]>;
  listSubjectKeysOf(ids: string[]): Promise<SubjectKeyRow[]>;
  /** A superset of the stored keys sharing a (subject, counterpart) pair within [from, to]; the caller filters. */
  findSubjectCandidates(keys: SubjectKeyRow[], from: number, to: number): Promise<SubjectKeyRow[]>;
  upsertThreads(rows: ThreadRow[]): Promise<void>;
  setThreadIds(assignments: [id: string, threadId: string][]): Promise<void>;
  deleteThreads(ids: string[]): Promise<void>;
}

export function kyselyThreadStore(db: Db, ws: string): ThreadStore {
  return {
    loadNodes: (ids) => loadNodes(db, ws, ids),
    listThreadMembers: (threadIds) => listThreadMembers(db, ws, threadIds),
    listRefsOf: (ids) => listRefsOf(db, ws, ids),
    findByMessageIds: (messageIds) => findByMessageIds(db, ws, messageIds),
    findReferencers: (messageIds) => findReferencers(db, ws, messageIds),
    listSubjectKeysOf: (ids) => listSubjectKeysOf(db, ws, ids),
    findSubjectCandidates: (keys, from, to) => findSubjectCandidates(db, ws, keys, from, to),
    upsertThreads: (rows) => upsertThreads(db, ws, rows),
    setThreadIds: (assignments) => setThreadIds(db, ws, assignments),
    deleteThreads: (ids) => deleteThreads(db, ws, ids),
  };
}
