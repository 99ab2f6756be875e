/**
 * Queries of the threading rules (SPEC §3.4) on PostgreSQL: every look-up takes its keys as one
 * array parameter (`= any($n)`, or `unnest` for pairs) and every write is one statement over
 * arrays, so a batch costs a few round trips and no per-batch SQL of thousands of parameters.
 * SQLite has its own store of prepared statements (threading.sqlite.ts).
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ThreadNode {
  id: string;
  message_id: string | null;
  subject: string | null;
  subject_key: string | null;
  occurred_at: number;
  thread_id: string | null;
}

export interface SubjectKeyRow {
  interaction_id: string;
  subject_key: string;
  counterpart: string;
  occurred_at: number;
}

export interface ThreadRow {
  id: string;
  subject: string | null;
  first_at: number;
  last_at: number;
  message_count: number;
}

/**
 * The reads and writes of rethread() for one workspace, inside the caller's transaction: on
 * PostgreSQL these array queries, on SQLite cached prepared statements (threading.sqlite.ts).
 */
export interface ThreadStore {
  loadNodes(ids: string[]): Promise<ThreadNode[]>;
  /** The ids of every message of the given threads. */
  listThreadMembers(threadIds: string[]): Promise<string[]>;
  /** The Message-IDs each message references. */
  listRefsOf(ids: string[]): Promise<{ interaction_id: string; ref_message_id: string }[]>;
  /** Stored messages having these Message-IDs. */
  findByMessageIds(messageIds: string[]): Promise<{ id: string; message_id: string | null }[]>;
  /** Stored messages that reference these Message-IDs (a parent arriving after its children). */
  findReferencers(messageIds: string[]): Promise<{ interaction_id: string; ref_message_id: string }[]>;
  listSubjectKeysOf(ids: string[]): Promise<SubjectKeyRow[]>;
  /** A superset of the stored keys sharing a (subject, counterpart) pair within [from, to]; the caller filters. */
  findSubjectCandidates(keys: SubjectKeyRow[], from: number, to: number): Promise<SubjectKeyRow[]>;
  upsertThreads(rows: ThreadRow[]): Promise<void>;
  setThreadIds(assignments: [id: string, threadId: string][]): Promise<void>;
  deleteThreads(ids: string[]): Promise<void>;
}

export function postgresThreadStore(db: Db, ws: string): ThreadStore {
  const rows = async <R>(query: RawBuilder<R>) => (await query.execute(db)).rows;
  return {
    loadNodes: (ids) =>
      rows<ThreadNode>(sql`select id, message_id, subject, subject_key, occurred_at, thread_id from interactions where workspace_id = ${ws} and id = any(${ids}::text[])`),
    async listThreadMembers(threadIds) {
      if (threadIds.length === 0) return [];
      const found = await rows<{ id: string }>(sql`select id from interactions where workspace_id = ${ws} and thread_id = any(${threadIds}::text[])`);
      return found.map((r) => r.id);
    },
    listRefsOf: (ids) =>
      rows(sql`select interaction_id, ref_message_id from interaction_refs where workspace_id = ${ws} and interaction_id = any(${ids}::text[])`),
    findByMessageIds: (messageIds) =>
      rows(sql`select id, message_id from interactions where workspace_id = ${ws} and message_id = any(${messageIds}::text[])`),
    findReferencers: (messageIds) =>
      rows(sql`select interaction_id, ref_message_id from interaction_refs where workspace_id = ${ws} and ref_message_id = any(${messageIds}::text[])`),
    listSubjectKeysOf: (ids) =>
      rows(sql`select interaction_id, subject_key, counterpart, occurred_at from thread_subject_keys where workspace_id = ${ws} and interaction_id = any(${ids}::text[])`),
    findSubjectCandidates: (keys, from, to) =>
      rows(sql`select k.interaction_id, k.subject_key, k.counterpart, k.occurred_at
        from thread_subject_keys k
        join (select distinct * from unnest(${keys.map((k) => k.subject_key)}::text[], ${keys.map((k) => k.counterpart)}::text[])) as p (subject_key, counterpart)
          on k.subject_key = p.subject_key and k.counterpart = p.counterpart
        where k.workspace_id = ${ws} and k.occurred_at >= ${from} and k.occurred_at <= ${to}`),
    async upsertThreads(threads) {
      if (threads.length === 0) return;
      await sql`insert into threads (workspace_id, id, subject, first_at, last_at, message_count)
        select ${ws}, * from unnest(${threads.map((t) => t.id)}::text[], ${threads.map((t) => t.subject)}::text[],
          ${threads.map((t) => t.first_at)}::int8[], ${threads.map((t) => t.last_at)}::int8[], ${threads.map((t) => t.message_count)}::int4[])
        on conflict (workspace_id, id) do update set subject = excluded.subject, first_at = excluded.first_at,
          last_at = excluded.last_at, message_count = excluded.message_count`.execute(db);
    },
    async setThreadIds(assignments) {
      if (assignments.length === 0) return;
      await sql`update interactions i set thread_id = a.thread_id
        from unnest(${assignments.map((a) => a[0])}::text[], ${assignments.map((a) => a[1])}::text[]) as a (id, thread_id)
        where i.workspace_id = ${ws} and i.id = a.id`.execute(db);
    },
    async deleteThreads(ids) {
      if (ids.length > 0) await sql`delete from threads where workspace_id = ${ws} and id = any(${ids}::text[])`.execute(db);
    },
  };
}
