/**
 * rethread()'s queries on SQLite as cached better-sqlite3 prepared statements, one point
 * look-up per key instead of Kysely IN lists: no SQL building or statement preparation per
 * batch, and every look-up is an index probe. Runs inside the caller's open transaction
 * (Kysely's single SQLite connection is this same handle).
 */
import type SQLite from 'better-sqlite3';
import { statementCache } from '../../db/sqlite-statements.js';
import type { SubjectKeyRow, ThreadNode, ThreadStore } from './threading.repo.js';
import { SUBJECT_WINDOW_MS } from './threading.js';

function prepare(db: SQLite.Database) {
  return {
    node: db.prepare<[string, string], ThreadNode>(
      'select id, message_id, subject, subject_key, occurred_at, thread_id from interactions where workspace_id = ? and id = ?',
    ),
    members: db.prepare<[string, string], { id: string }>('select id from interactions where workspace_id = ? and thread_id = ?'),
    // Without statistics SQLite prefers the covering primary key, which would scan every ref of
    // the workspace (its leading columns are workspace_id, ref_message_id) for each look-up.
    refsOf: db.prepare<[string, string], { interaction_id: string; ref_message_id: string }>(
      'select interaction_id, ref_message_id from interaction_refs indexed by interaction_refs_ix_idx where workspace_id = ? and interaction_id = ?',
    ),
    byMessageId: db.prepare<[string, string], { id: string; message_id: string | null }>(
      'select id, message_id from interactions where workspace_id = ? and message_id = ?',
    ),
    referencers: db.prepare<[string, string], { interaction_id: string; ref_message_id: string }>(
      'select interaction_id, ref_message_id from interaction_refs where workspace_id = ? and ref_message_id = ?',
    ),
    keysOf: db.prepare<[string, string], SubjectKeyRow>(
      'select interaction_id, subject_key, counterpart, occurred_at from thread_subject_keys where workspace_id = ? and interaction_id = ?',
    ),
    candidates: db.prepare<[string, string, string, number, number], SubjectKeyRow>(
      'select interaction_id, subject_key, counterpart, occurred_at from thread_subject_keys where workspace_id = ? and subject_key = ? and counterpart = ? and occurred_at >= ? and occurred_at <= ?',
    ),
    upsertThread: db.prepare(
      `insert into threads (workspace_id, id, subject, first_at, last_at, message_count) values (?, ?, ?, ?, ?, ?)
       on conflict (workspace_id, id) do update set subject = excluded.subject, first_at = excluded.first_at,
       last_at = excluded.last_at, message_count = excluded.message_count`,
    ),
    setThread: db.prepare('update interactions set thread_id = ? where workspace_id = ? and id = ?'),
    deleteThread: db.prepare('delete from threads where workspace_id = ? and id = ?'),
  };
}

const statements = statementCache(prepare);

function each<K, R>(keys: K[], probe: (key: K) => R[]): R[] {
  const out: R[] = [];
  for (const k of keys) for (const r of probe(k)) out.push(r);
  return out;
}

export function sqliteThreadStore(db: SQLite.Database, ws: string): ThreadStore {
  const s = statements(db);
  return {
    loadNodes: async (ids) => each(ids, (id) => s.node.all(ws, id)),
    listThreadMembers: async (threadIds) => each(threadIds, (t) => s.members.all(ws, t)).map((r) => r.id),
    listRefsOf: async (ids) => each(ids, (id) => s.refsOf.all(ws, id)),
    findByMessageIds: async (messageIds) => each(messageIds, (m) => s.byMessageId.all(ws, m)),
    findReferencers: async (messageIds) => each(messageIds, (m) => s.referencers.all(ws, m)),
    listSubjectKeysOf: async (ids) => each(ids, (id) => s.keysOf.all(ws, id)),
    async findSubjectCandidates(keys, from, to) {
      // Per key, its own window (tighter than [from, to]); a row found for two keys is kept once.
      const seen = new Set<string>();
      const out: SubjectKeyRow[] = [];
      for (const k of keys) {
        const lo = Math.max(from, k.occurred_at - SUBJECT_WINDOW_MS);
        const hi = Math.min(to, k.occurred_at + SUBJECT_WINDOW_MS);
        for (const r of s.candidates.all(ws, k.subject_key, k.counterpart, lo, hi)) {
          const id = `${r.interaction_id}\u0000${r.subject_key}\u0000${r.counterpart}`;
          if (seen.has(id)) continue;
          seen.add(id);
          out.push(r);
        }
      }
      return out;
    },
    async upsertThreads(rows) {
      for (const r of rows) s.upsertThread.run(ws, r.id, r.subject, r.first_at, r.last_at, r.message_count);
    },
    async setThreadIds(assignments) {
      for (const [id, threadId] of assignments) s.setThread.run(threadId, ws, id);
    },
    async deleteThreads(ids) {
      for (const id of ids) s.deleteThread.run(ws, id);
    },
  };
}
