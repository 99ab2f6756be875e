/**
 * Bulk writes for the demo generator. Millions of rows go in without the query builder: on
 * SQLite through one prepared statement per table, run row by row (a fresh database in one
 * transaction, see bulkLoadSqlite); on PostgreSQL as `unnest` inserts that carry thousands of
 * rows in a few array parameters. Building an AST for every value would cost more than storing it.
 */
import type SQLite from 'better-sqlite3';
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { statementCache } from '../db/sqlite-statements.js';

type Value = string | number | null;

/** Every table the demo fills, with the column order its rows are written in. */
export const DEMO_COLUMNS = {
  companies: ['workspace_id', 'id', 'name', 'name_key', 'domain', 'created_at'],
  contacts: [
    'workspace_id', 'id', 'name', 'kind', 'company_id', 'owner_id', 'tags', 'phones', 'client_since',
    'keep_in_touch_days', 'notes', 'lost', 'first_seen_at', 'version', 'created_at', 'updated_at',
  ],
  contact_emails: ['workspace_id', 'email', 'contact_id', 'is_primary'],
  facts: ['workspace_id', 'id', 'contact_id', 'kind', 'text', 'date', 'yearly', 'origin', 'created_at'],
  commitments: ['workspace_id', 'id', 'contact_id', 'text', 'due_at', 'status', 'done_at', 'interaction_id', 'created_at'],
  knowledge_items: ['workspace_id', 'id', 'title', 'url', 'topics', 'body', 'created_at'],
  knowledge_shares: ['workspace_id', 'knowledge_id', 'contact_id', 'interaction_id', 'shared_at'],
  threads: ['workspace_id', 'id', 'subject', 'first_at', 'last_at', 'message_count'],
  interactions: [
    'workspace_id', 'id', 'identity', 'kind', 'direction', 'occurred_at', 'date_inferred', 'subject', 'subject_key',
    'excerpt', 'body', 'word_count', 'is_closer', 'sentiment', 'automated', 'source', 'from_address', 'message_id',
    'in_reply_to', 'refs', 'thread_id', 'attachments', 'created_by', 'created_at',
  ],
  interaction_contacts: ['workspace_id', 'interaction_id', 'contact_id', 'role'],
  interaction_refs: ['workspace_id', 'ref_message_id', 'interaction_id'],
  interaction_behaviors: ['workspace_id', 'interaction_id', 'behavior', 'origin'],
} as const satisfies { [T in keyof Database]?: readonly (keyof Database[T] & string)[] };

export type DemoTable = keyof typeof DEMO_COLUMNS;

/** Tables in insertion order: parents before children, so foreign keys hold. */
const TABLES = Object.keys(DEMO_COLUMNS) as DemoTable[];

/** A row of `table`: every column named, none forgotten. */
export type DemoRow<T extends DemoTable> = { [K in (typeof DEMO_COLUMNS)[T][number]]: Value };

/** Rows of every table, in insertion order (parents before children). */
export type DemoRows = { [T in DemoTable]: DemoRow<T>[] };

export function emptyDemoRows(): DemoRows {
  return {
    companies: [], contacts: [], contact_emails: [], facts: [], commitments: [], knowledge_items: [],
    knowledge_shares: [], threads: [], interactions: [], interaction_contacts: [], interaction_refs: [],
    interaction_behaviors: [],
  };
}

/** One prepared insert per table; parameters by position (binding by name costs a look-up per column and row). */
const sqliteInserts = statementCache((db: SQLite.Database) => {
  const insert = new Map(
    TABLES.map((table) => {
      const columns = DEMO_COLUMNS[table];
      const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values (${columns.map(() => '?').join(',')})`;
      return [table, db.prepare(text)] as const;
    }),
  );
  return (rows: DemoRows) => {
    for (const table of TABLES) {
      const statement = insert.get(table)!;
      const columns = DEMO_COLUMNS[table] as readonly string[];
      const values: Value[] = new Array(columns.length);
      for (const row of rows[table] as Record<string, Value>[]) {
        for (let c = 0; c < columns.length; c++) values[c] = row[columns[c]!]!;
        statement.run(values);
      }
    }
  };
});

/** PostgreSQL: rows per statement. One array parameter per column, so the size only costs memory. */
const POSTGRES_ROWS = 10_000;

/** PostgreSQL types of the columns that are not text (`unnest` needs typed arrays). */
const PG_TYPES: Record<string, string> = {
  created_at: 'int8', updated_at: 'int8', client_since: 'int8', first_seen_at: 'int8', due_at: 'int8', done_at: 'int8',
  shared_at: 'int8', first_at: 'int8', last_at: 'int8', occurred_at: 'int8', keep_in_touch_days: 'int4', lost: 'int4',
  version: 'int4', yearly: 'int4', is_primary: 'int4', message_count: 'int4', date_inferred: 'int4', word_count: 'int4',
  is_closer: 'int4', automated: 'int4', sentiment: 'float8',
};

function postgresInsert(table: DemoTable): string {
  const columns = DEMO_COLUMNS[table];
  const arrays = columns.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`);
  return `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) select * from unnest(${arrays.join(',')})`;
}

/**
 * Inserts rows of every table, parents first so foreign keys hold, inside the caller's
 * transaction (on SQLite, Kysely's connection is the handle the prepared statements run on).
 */
export async function insertDemoRows(trx: Transaction<Database>, db: Db, rows: DemoRows): Promise<void> {
  if (db.sqlite) {
    sqliteInserts(db.sqlite)(rows);
    return;
  }
  for (const table of TABLES) {
    const list = rows[table] as Record<string, Value>[];
    const columns = DEMO_COLUMNS[table] as readonly string[];
    for (let i = 0; i < list.length; i += POSTGRES_ROWS) {
      const slice = list.slice(i, i + POSTGRES_ROWS);
      await trx.executeQuery(CompiledQuery.raw(postgresInsert(table), columns.map((column) => slice.map((row) => row[column]))));
    }
  }
}

/** Whether no workspace has any interaction yet: a fresh database, which bulkLoad may fill. */
export async function isWithoutInteractions(db: Kysely<Database>): Promise<boolean> {
  return !(await db.selectFrom('interactions').select('id').limit(1).executeTakeFirst());
}

/**
 * Indexes the demo fills in random order. Its rows arrive contact by contact, so ids, threads
 * and message ids only grow, but subjects and (kind, time) jump all over the index: on millions
 * of rows nearly every such insert touches a page that is no longer cached, and every commit
 * writes those pages again. Sorting once to build them after the load is far cheaper.
 */
const RANDOM_ORDER_INDEXES = ['interactions_subject_idx', 'interactions_kind_time_idx'];

/**
 * SQLite, empty database: runs `load` in one transaction with the random-order indexes
 * dropped, builds them again from the definitions SQLite itself keeps, and commits. One
 * transaction, so that a crash at any point leaves the database as it was, indexes included;
 * readers of the database keep reading (WAL) while the transaction grows.
 *
 * Not on PostgreSQL: there one transaction means one server process doing all the work, and
 * it plans its foreign-key checks on tables that look empty to statistics until the commit;
 * two writers committing chunk by chunk are faster.
 */
export async function bulkLoadSqlite<T>(db: Db, load: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.kysely.transaction().execute(async (trx) => {
    const { rows: indexes } = await sql<{ ddl: string; name: string }>`
      select sql as ddl, name from sqlite_master where type = 'index' and name in (${sql.join(RANDOM_ORDER_INDEXES)})`.execute(trx);
    for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(trx);
    const result = await load(trx);
    for (const index of indexes) await sql.raw(index.ddl).execute(trx);
    return result;
  });
}

/**
 * Writes a batch in a transaction of its own, parents first. On PostgreSQL the commit does not
 * wait for the WAL flush: a crash loses at most the last batches of a demo, never consistency.
 */
export async function writeDemoRows(db: Db, rows: DemoRows): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    if (db.dialect === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
    await insertDemoRows(trx, db, rows);
  });
}

/**
 * Refreshes the planner's statistics after a bulk load. Without them PostgreSQL plans the
 * first queries on millions of fresh rows as if the tables were empty (autovacuum analyses
 * only later), and SQLite cannot choose between the indexes of a table.
 */
export async function analyzeDemoTables(db: Kysely<Database>, dialect: Db['dialect']): Promise<void> {
  if (dialect === 'sqlite') {
    // A sampled analysis: as good for choosing indexes, and seconds instead of minutes on millions of rows.
    await sql`pragma analysis_limit = 1000`.execute(db);
    await sql`analyze`.execute(db);
    return;
  }
  for (const table of TABLES) await sql`analyze ${sql.table(table)}`.execute(db);
}

/**
 * Runs a bulk load on SQLite with a larger page cache (64 MB instead of 2 MB): the pages of
 * the indexes that take inserts stay cached from one batch to the next, and rebuilding an
 * index sorts in memory longer. The previous size is restored afterwards; PostgreSQL is left
 * as configured.
 */
export async function withBulkLoadCache<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (!db.sqlite) return fn();
  const previous = Number(db.sqlite.pragma('cache_size', { simple: true }));
  db.sqlite.pragma('cache_size = -65536');
  try {
    return await fn();
  } finally {
    db.sqlite.pragma(`cache_size = ${previous}`);
  }
}
