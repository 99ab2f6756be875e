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
