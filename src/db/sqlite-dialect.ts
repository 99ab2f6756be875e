/**
 * Kysely's SQLite dialect, made to share a database file with other processes. Transactions
 * begin IMMEDIATE: they take the write lock up front, where SQLite's busy timeout waits for
 * it. A deferred `begin` would read first and ask for the lock at its first write; if another
 * process committed meanwhile, SQLite cannot wait (the snapshot is stale) and fails at once
 * with "database is locked". Every transaction of Rapport writes, so none loses by this.
 * Waiting is fair enough for a long import beside the server (see FIRST_WAIT_MS); a wait that
 * still runs out becomes an `unavailable` error that names who held the lock.
 */
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig } from 'kysely';
import type SQLite from 'better-sqlite3';
import { UnavailableError } from '../errors.js';
import { describeBusy, hasWaitingWriters, markWaiting } from './sqlite-holders.js';
import { PreparedStatements } from './sqlite-statements.js';

export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Turns a busy error into the `unavailable` AppError described by `describe`; anything else unchanged. */
export function translateBusy(error: unknown, describe: () => string): unknown {
  return isSqliteBusy(error) ? new UnavailableError(describe()) : error;
}

/**
 * A first try waits this long for the lock; a statement still refused then marks its process
 * as waiting (markWaiting), which a long import honours between two batches, and waits for
 * the rest of the busy timeout.
 */
export const FIRST_WAIT_MS = 100;

export interface Sharing {
  /** The database file; null in memory, where nobody else can wait. */
  file: string | null;
  busyTimeoutMs: number;
}

class SharedFileConnection implements DatabaseConnection {
  readonly #statements: PreparedStatements;

  constructor(
    private readonly inner: DatabaseConnection,
    private readonly sqlite: SQLite.Database,
    private readonly sharing: Sharing,
  ) {
    this.#statements = new PreparedStatements(sqlite);
  }

  /** What Kysely's own connection does, with the statement kept for the next call. */
  #run<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.#statements.get(query.sql);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { insertId: BigInt(lastInsertRowid), numAffectedRows: BigInt(changes), rows: [] };
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return this.#run<R>(query);
    } catch (error) {
      const { file, busyTimeoutMs } = this.sharing;
      // Inside a transaction the lock is ours already; elsewhere the refused statement (a
      // BEGIN or a statement on its own) did nothing, so trying it again is safe.
      if (!isSqliteBusy(error) || !file || this.sqlite.inTransaction) throw translateBusy(error, () => describeBusy(file ?? ':memory:', busyTimeoutMs));
      const unmark = markWaiting(file);
      this.sqlite.pragma(`busy_timeout = ${Math.max(0, busyTimeoutMs - FIRST_WAIT_MS)}`);
      try {
        return this.#run<R>(query);
      } catch (again) {
        throw translateBusy(again, () => describeBusy(file, busyTimeoutMs));
      } finally {
        this.sqlite.pragma(`busy_timeout = ${Math.min(FIRST_WAIT_MS, busyTimeoutMs)}`);
        unmark();
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class SharedFileDriver extends SqliteDriver {
  #wrapped: SharedFileConnection | undefined;

  constructor(
    private readonly config: SqliteDialectConfig & { database: SQLite.Database },
    private readonly sharing: Sharing,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#wrapped ??= new SharedFileConnection(connection, this.config.database, this.sharing);
    return this.#wrapped;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class SharedFileSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig & { database: SQLite.Database };
  readonly #sharing: Sharing;

  /** Sets the connection's busy timeout to the first try's (see FIRST_WAIT_MS). */
  constructor(config: SqliteDialectConfig & { database: SQLite.Database }, sharing: Sharing) {
    super(config);
    this.#config = config;
    this.#sharing = sharing;
    config.database.pragma(`busy_timeout = ${sharing.file ? Math.min(FIRST_WAIT_MS, sharing.busyTimeoutMs) : sharing.busyTimeoutMs}`);
  }

  override createDriver(): Driver {
    return new SharedFileDriver(this.#config, this.#sharing);
  }
}

/**
 * Between two batches of a long write (an import), gives the write lock to processes that
 * wait for it, for at most `maxMs`. Costs one directory listing when nobody waits.
 */
export async function letWaitingWritersIn(file: string | null, maxMs = 1000): Promise<void> {
  if (!file) return;
  const until = Date.now() + maxMs;
  while (hasWaitingWriters(file) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}
