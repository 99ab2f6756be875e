/**
 * Bulk writes for the demo generator. Millions of rows go in as large INSERTs built here as
 * plain SQL with bound parameters: going through the query builder's AST for every value
 * costs more than the database spends storing it.
 */
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;
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

/** SQLite: multi-row VALUES within its 32,766 bound-parameter limit. Measured: Kysely's driver
 * prepares each statement anew, and past a few hundred rows bigger statements stop paying. */
const SQLITE_MAX_PARAMS = 32_766;
const SQLITE_MAX_ROWS = 500;
/** PostgreSQL: one array parameter per column (`unnest`), so a statement carries thousands of
 * rows for the price of a few parameters; measured several times faster than multi-row VALUES. */
const POSTGRES_ROWS = 5_000;

/** PostgreSQL types of the columns that are not text (`unnest` needs typed arrays). */
const PG_TYPES: Record<string, string> = {
  created_at: 'int8', updated_at: 'int8', client_since: 'int8', first_seen_at: 'int8', due_at: 'int8', done_at: 'int8',
  shared_at: 'int8', first_at: 'int8', last_at: 'int8', occurred_at: 'int8', keep_in_touch_days: 'int4', lost: 'int4',
  version: 'int4', yearly: 'int4', is_primary: 'int4', message_count: 'int4', date_inferred: 'int4', word_count: 'int4',
  is_closer: 'int4', automated: 'int4', sentiment: 'float8',
};

const sqlCache = new Map<string, string>();

function sqliteInsert(table: DemoTable, rowCount: number): string {
  const key = `${table}:${rowCount}`;
  const cached = sqlCache.get(key);
  if (cached) return cached;
  const columns = DEMO_COLUMNS[table];
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${new Array(rowCount).fill(tuple).join(',')}`;
  sqlCache.set(key, text);
  return text;
}

function postgresInsert(table: DemoTable): string {
  const columns = DEMO_COLUMNS[table];
  const arrays = columns.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`);
  return `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) select * from unnest(${arrays.join(',')})`;
}

/** Inserts `rows` of one table in as few statements as the engine allows. */
export async function insertDemoRows<T extends DemoTable>(db: Db, dialect: Dialect, table: T, rows: DemoRow<T>[]): Promise<void> {
  const columns = DEMO_COLUMNS[table] as readonly (keyof DemoRow<T>)[];
  const width = columns.length;
  if (dialect === 'postgres') {
    for (let i = 0; i < rows.length; i += POSTGRES_ROWS) {
      const slice = rows.slice(i, i + POSTGRES_ROWS);
      const arrays = columns.map((column) => slice.map((row) => row[column]));
      await db.executeQuery(CompiledQuery.raw(postgresInsert(table), arrays));
    }
    return;
  }
  const perStatement = Math.min(SQLITE_MAX_ROWS, Math.floor(SQLITE_MAX_PARAMS / width));
  for (let i = 0; i < rows.length; i += perStatement) {
    const slice = rows.slice(i, i + perStatement);
    const params: Value[] = new Array(slice.length * width);
    let p = 0;
    for (const row of slice) for (const column of columns) params[p++] = row[column];
    await db.executeQuery(CompiledQuery.raw(sqliteInsert(table, slice.length), params));
  }
}

/** Writes a whole batch in one transaction, parents first so foreign keys hold. */
export async function writeDemoRows(db: Kysely<Database>, dialect: Dialect, rows: DemoRows): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of Object.keys(DEMO_COLUMNS) as DemoTable[]) {
      const list = rows[table] as DemoRow<typeof table>[];
      if (list.length > 0) await insertDemoRows(trx, dialect, table, list);
    }
  });
}

/**
 * Refreshes the planner's statistics after a bulk load. Without them PostgreSQL plans the
 * first queries on millions of fresh rows as if the tables were empty (autovacuum analyses
 * only later), and SQLite cannot choose between the indexes of a table.
 */
export async function analyzeDemoTables(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    // A sampled analysis: as good for choosing indexes, and seconds instead of minutes on millions of rows.
    await sql`pragma analysis_limit = 1000`.execute(db);
    await sql`analyze`.execute(db);
    return;
  }
  for (const table of Object.keys(DEMO_COLUMNS)) await sql`analyze ${sql.table(table)}`.execute(db);
}

/**
 * Runs a bulk load with a larger SQLite page cache (256 MB instead of 2 MB): the time-ordered
 * indexes of interactions take random inserts that otherwise miss the cache on every row.
 * The previous size is restored afterwards; PostgreSQL is left as configured.
 */
export async function withBulkLoadCache<T>(db: Kysely<Database>, dialect: Dialect, fn: () => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return fn();
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const previous = Number(rows[0]?.cache_size ?? -2000);
  await sql`pragma cache_size = -262144`.execute(db);
  try {
    return await fn();
  } finally {
    await sql.raw(`pragma cache_size = ${previous}`).execute(db);
  }
}
