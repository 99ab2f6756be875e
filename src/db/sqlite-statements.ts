import type SQLite from 'better-sqlite3';

/**
 * Prepared statements for one better-sqlite3 connection, prepared on first use and kept for
 * the life of the connection (a WeakMap, so a closed database takes them with it).
 */
export function statementCache<S>(prepare: (db: SQLite.Database) => S): (db: SQLite.Database) => S {
  const cache = new WeakMap<SQLite.Database, S>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) {
      statements = prepare(db);
      cache.set(db, statements);
    }
    return statements;
  };
}

/**
 * Statements prepared from SQL text, kept by that text for one connection. Kysely's SQLite
 * driver prepares every query again on each call, and preparing costs more than running the
 * indexed reads a request makes. The least recently used statement goes once `limit` are
 * kept, so queries whose text varies (an IN list of any length) cannot grow it without end.
 * A kept statement stays valid across schema changes: SQLite prepares it again by itself.
 */
export class PreparedStatements {
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(
    private readonly db: SQLite.Database,
    private readonly limit = 500,
  ) {}

  get(sql: string): SQLite.Statement {
    const kept = this.#statements.get(sql);
    if (kept) {
      // Moved to the end: Map keeps insertion order, so the first key is the least recent.
      this.#statements.delete(sql);
      this.#statements.set(sql, kept);
      return kept;
    }
    const statement = this.db.prepare(sql);
    if (this.#statements.size >= this.limit) this.#statements.delete(this.#statements.keys().next().value!);
    this.#statements.set(sql, statement);
    return statement;
  }
}
