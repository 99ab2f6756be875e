/**
 * Writes whose commit does not wait for the disk. The commit is atomic and seen by every
 * reader at once, and it survives the process being killed (the write is with the operating
 * system); only a power cut or an operating system crash before the next synced commit may
 * lose it. The next ordinary commit of the same database syncs it along with its own (SQLite's
 * write-ahead log and PostgreSQL's WAL are written in order). Use it only where losing the
 * write in a power cut leaves a state the caller already handles (the send ledger's "sent"
 * marks: a row left claimed becomes uncertain, never resent).
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

export async function withUnsyncedCommit<T>(db: Db, write: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.dialect === 'postgres') {
    return db.kysely.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return write(trx);
    });
  }
  const sqlite = db.sqlite;
  if (!sqlite) return write(db.kysely);
  // Kysely hands out SQLite's one connection to one caller at a time: no other statement of
  // this process runs between the two pragmas.
  return db.kysely.connection().execute(async (connection) => {
    const level = sqlite.pragma('synchronous', { simple: true }) as number;
    // NORMAL in WAL mode: the commit is appended to the log without an fsync.
    sqlite.pragma('synchronous = NORMAL');
    try {
      return await write(connection);
    } finally {
      sqlite.pragma(`synchronous = ${Number(level)}`);
    }
  });
}
