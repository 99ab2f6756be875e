/**
 * The mail import's writes on SQLite as cached better-sqlite3 prepared statements: one
 * `run()` per row instead of Kysely multi-row inserts, which rebuild and re-prepare a large
 * statement for every chunk (that was ~40% of the main thread). Runs inside the caller's open
 * transaction: Kysely's SQLite connection is this same handle. Same rows as insertMailRows.
 */
import type SQLite from 'better-sqlite3';
import { statementCache } from '../../db/sqlite-statements.js';
import type { MailRows, MailStore } from './mail-import.repo.js';
import { sqliteThreadStore } from './threading.sqlite.js';

// Positional parameters: binding by name costs a property look-up per column and row.
function insertStatement(db: SQLite.Database, table: string, columns: string[]) {
  return db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
}

function prepare(db: SQLite.Database) {
  const byColumns = new Map<string, { columns: string[]; statement: SQLite.Statement }>();
  return {
    /** Inserts an interaction row; one statement per row shape (its keys), prepared once. */
    insertInteraction(row: Record<string, unknown>) {
      const columns = Object.keys(row);
      const key = columns.join(',');
      let s = byColumns.get(key);
      if (!s) {
        s = { columns, statement: insertStatement(db, 'interactions', columns) };
        byColumns.set(key, s);
      }
      s.statement.run(s.columns.map((c) => row[c]));
    },
    participant: insertStatement(db, 'interaction_contacts', ['workspace_id', 'interaction_id', 'contact_id', 'role']),
    ref: insertStatement(db, 'interaction_refs', ['workspace_id', 'ref_message_id', 'interaction_id']),
    tag: insertStatement(db, 'interaction_behaviors', ['workspace_id', 'interaction_id', 'behavior', 'origin']),
    subjectKey: insertStatement(db, 'thread_subject_keys', ['workspace_id', 'subject_key', 'counterpart', 'occurred_at', 'interaction_id']),
    identity: db.prepare<[string, string], { identity: string }>('select identity from interactions where workspace_id = ? and identity = ?'),
    lowerFirstSeen: db.prepare(
      'update contacts set first_seen_at = ? where workspace_id = ? and id = ? and (first_seen_at is null or first_seen_at > ?)',
    ),
  };
}

const statements = statementCache(prepare);

export function sqliteMailStore(db: SQLite.Database, ws: string): MailStore {
  const s = statements(db);
  return {
    async findKnownIdentities(identities) {
      const known = new Set<string>();
      for (const identity of identities) if (s.identity.get(ws, identity)) known.add(identity);
      return known;
    },
    async insertRows(rows: MailRows) {
      for (const r of rows.interactions) s.insertInteraction(r as unknown as Record<string, unknown>);
      for (const r of rows.participants) s.participant.run(r.workspace_id, r.interaction_id, r.contact_id, r.role);
      for (const r of rows.refs) s.ref.run(r.workspace_id, r.ref_message_id, r.interaction_id);
      for (const r of rows.tags) s.tag.run(r.workspace_id, r.interaction_id, r.behavior, r.origin);
      for (const r of rows.subjectKeys) s.subjectKey.run(r.workspace_id, r.subject_key, r.counterpart, r.occurred_at, r.interaction_id);
    },
    async lowerFirstSeen(byTime) {
      for (const [at, contactIds] of byTime) for (const id of contactIds) s.lowerFirstSeen.run(at, ws, id, at);
    },
    threads: sqliteThreadStore(db, ws),
  };
}
