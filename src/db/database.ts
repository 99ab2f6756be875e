/**
 * Opens the database: SQLite (better-sqlite3) in the data folder by default, PostgreSQL when
 * the URL says postgres://. Both run the same migrations on open. Kysely does not detect the
 * dialect for us, so callers that must differ branch on `Db.dialect`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import pg from 'pg';
import { UnavailableError, ValidationError } from '../errors.js';
import type { Database } from './schema.js';
import { migrations } from './migrations/index.js';
import { letWaitingWritersIn, SharedFileSqliteDialect } from './sqlite-dialect.js';
import { registerHolder } from './sqlite-holders.js';
import { createSafePool } from './postgres-pool.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** SQLite only: the connection under Kysely, for hot paths that use prepared statements (mail import). */
  readonly sqlite?: SQLite.Database;
  /** PostgreSQL only: the connection URL, for connections outside the pool (LISTEN). */
  readonly url?: string;
  /**
   * SQLite file only: lets other processes that wait for the write lock take it. Long writers
   * (imports) call it between two transactions; elsewhere it resolves at once.
   */
  readonly yieldToWriters?: () => Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… selects PostgreSQL; a file path or ':memory:' selects SQLite. */
  url?: string;
  /** Folder of the embedded database, used when no url is given. */
  dataDir?: string;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /** SQLite: how this process is named to others that wait for the database (e.g. "rapport serve"). */
  processName?: string;
  /** SQLite: how long a write waits for another process's write lock (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

/**
 * A write waits this long for another process's transaction (the server while an import runs,
 * or the other way round). Transactions last milliseconds, imports commit every few hundred
 * messages: a wait this long means a process is stuck, and the error then names it.
 */
export const BUSY_TIMEOUT_MS = 30_000;

// int8 (bigint) columns hold epoch milliseconds, well inside the safe integer range.
pg.types.setTypeParser(20, (value) => Number(value));
// numeric (e.g. sums and averages computed by PostgreSQL) as numbers too.
pg.types.setTypeParser(1700, (value) => Number(value));

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

export async function openDatabase(options: OpenOptions = {}): Promise<Db> {
  const db = isPostgresUrl(options.url) ? await openPostgres(options.url) : openSqlite(options);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}

function openSqlite(options: OpenOptions): Db {
  let file = options.url;
  if (!file) {
    const dir = resolve(options.dataDir ?? './data');
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UnavailableError(`cannot create the data folder ${dir}: ${(error as Error).message}`);
    }
    file = join(dir, 'rapport.db');
  } else if (file.startsWith('sqlite:')) {
    file = file.slice('sqlite:'.length).replace(/^\/\//, '');
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    throw new ValidationError(`--db: unsupported database URL "${redact(file)}"; use postgres://… or a SQLite file path`);
  }
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file);
  } catch (error) {
    throw new UnavailableError(`cannot open the SQLite database ${file}: ${(error as Error).message}`);
  }
  const busyTimeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // FULL: a committed transaction survives power loss, which import and send promise.
  sqlite.pragma('synchronous = FULL');
  const shared = file === ':memory:' ? null : file;
  const unregister = shared ? registerHolder(shared, options.processName ?? defaultProcessName()) : () => undefined;
  const dialect = new SharedFileSqliteDialect({ database: sqlite }, { file: shared, busyTimeoutMs: busyTimeout });
  const kysely = new Kysely<Database>({ dialect });
  return {
    kysely,
    dialect: 'sqlite',
    sqlite,
    yieldToWriters: () => letWaitingWritersIn(shared),
    close: async () => {
      await kysely.destroy();
      unregister();
    },
  };
}

function defaultProcessName(): string {
  return process.argv.slice(1, 3).map((a) => a.split('/').pop()).join(' ') || 'node';
}
/**
 * How long getting a connection may take. The timer runs on our event loop: while it is busy
 * (a demo chunk being generated, a rescore batch being scored, a loaded machine) a connection
 * the server accepted at once is only handed over later. At 5 s the rescore benchmark lost
 * healthy connections that way while the server log showed no fault. A refused connection
 * (server down) still fails at once; this bounds only an unreachable host or a full pool.
 */
const CONNECT_TIMEOUT_MS = 30_000;

async function openPostgres(url: string): Promise<Db> {
  // Lost connections are an UnavailableError, never an unhandled 'error' event (postgres-pool.ts).
  const { pool } = createSafePool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new UnavailableError(`cannot connect to PostgreSQL at ${redact(url)}: ${describePgError((error as Error).cause ?? error)}`);
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', url, close: () => kysely.destroy() };
}

function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND') return 'host not found';
  if (e.code === '3D000') return e.message ?? 'database does not exist';
  if (e.code === '28P01' || e.code === '28000') return 'authentication failed';
  return e.message || e.code || String(error);
}

/** Hides the password of a connection URL in messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Refuses a database that a newer Rapport migrated: this version would not know its tables,
 * and writing to them could lose data.
 * @throws unavailable naming the newest migration this version does not know.
 */
async function assertNotNewer(db: Db): Promise<void> {
  const applied = await db.kysely
    .selectFrom('kysely_migration' as never)
    .select('name' as never)
    .execute()
    .catch(() => [] as { name: string }[]);
  const unknown = (applied as { name: string }[]).map((r) => r.name).filter((name) => !(name in migrations)).sort();
  if (unknown.length) {
    const known = Object.keys(migrations).at(-1);
    throw new UnavailableError(
      `this database was upgraded by a newer version of rapport (schema ${unknown.at(-1)}; this version knows up to ${known}); upgrade rapport to use it`,
    );
  }
}

/** Applies every pending migration and returns the names of those it applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  await assertNotNewer(db);
  const migrator = new Migrator({ db: db.kysely, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new UnavailableError(
      `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrates to `name` and no further: for tests that start from an earlier release's schema. */
export async function migrateTo(db: Db, name: string): Promise<void> {
  const { error } = await new Migrator({ db: db.kysely, provider }).migrateTo(name);
  if (error) throw error;
}

/** The migrations this version knows, and which of them the database has applied. */
export async function migrationStatus(db: Db): Promise<{ name: string; applied: boolean }[]> {
  const list = await new Migrator({ db: db.kysely, provider }).getMigrations();
  return list.map((m) => ({ name: m.name, applied: m.executedAt !== undefined }));
}
