/**
 * The mail import's writes on SQLite as cached better-sqlite3 prepared statements: one
 * `run()` per row instead of Kysely multi-row inserts, which rebuild and re-prepare a large
 * statement for every chunk (that was ~40% of the main thread). Runs inside the caller's open
 * transaction: Kysely's SQLite connection is this same handle. Same rows as postgresMailStore.
 */
import type SQLite from 'better-sqlite3';
import { statementCache } from '../../db/sqlite-statements.js';
import type { InteractionRow } from '../../interactions/interactions.repo.js';
import { INTERACTION_COLUMNS, wantedContacts, type MailRows, type MailStore } from './mail-import.repo.js';
import { sqliteThreadStore } from './threading.sqlite.js';

// Positional parameters: binding by name costs a property look-up per column and row.
function insertStatement(db: SQLite.Database, table: string, columns: string[]) {
  return db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
}

const interactionColumns = Object.keys(INTERACTION_COLUMNS) as (keyof InteractionRow)[];

function prepare(db: SQLite.Database) {
  return {
    interaction: insertStatement(db, 'interactions', interactionColumns),
    participant: insertStatement(db, 'interaction_contacts', ['workspace_id', 'interaction_id', 'contact_id', 'role']),
    ref: insertStatement(db, 'interaction_refs', ['workspace_id', 'ref_message_id', 'interaction_id']),
    tag: insertStatement(db, 'interaction_behaviors', ['workspace_id', 'interaction_id', 'behavior', 'origin']),
    subjectKey: insertStatement(db, 'thread_subject_keys', ['workspace_id', 'subject_key', 'counterpart', 'occurred_at', 'interaction_id']),
    contactOf: db.prepare<[string, string], string>('select contact_id from contact_emails where workspace_id = ? and email = ?').pluck(),
    // A new contact of an address: a customer with nothing but its name (as upsertContacts creates it).
    insertContact: db.prepare(
      "insert into contacts (workspace_id, id, name, kind, tags, phones, lost, version, created_at, updated_at) values (?, ?, ?, 'customer', '[]', '[]', 0, 1, ?, ?)",
    ),
    insertContactEmail: db.prepare('insert into contact_emails (workspace_id, email, contact_id, is_primary) values (?, ?, ?, 1)'),
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
    async upsertContacts(people, now, ids) {
      const byEmail = new Map<string, string>();
      const created: string[] = [];
      for (const [email, name] of wantedContacts(people)) {
        let id = s.contactOf.get(ws, email);
        if (id === undefined) {
          id = ids('ct');
          s.insertContact.run(ws, id, name, now, now);
          s.insertContactEmail.run(ws, email, id);
          created.push(id);
        }
        byEmail.set(email, id);
      }
      return { byEmail, created };
    },
    async insertRows(rows: MailRows) {
      for (const r of rows.interactions) s.interaction.run(interactionColumns.map((c) => r[c]));
      for (const r of rows.participants) s.participant.run(r.workspace_id, r.interaction_id, r.contact_id, r.role);
      for (const r of rows.refs) s.ref.run(r.workspace_id, r.ref_message_id, r.interaction_id);
      for (const r of rows.tags) s.tag.run(r.workspace_id, r.interaction_id, r.behavior, r.origin);
      for (const r of rows.subjectKeys) s.subjectKey.run(r.workspace_id, r.subject_key, r.counterpart, r.occurred_at, r.interaction_id);
    },
    async lowerFirstSeen(at) {
      for (const [id, time] of at) s.lowerFirstSeen.run(time, ws, id, time);
    },
    threads: sqliteThreadStore(db, ws),
  };
}
