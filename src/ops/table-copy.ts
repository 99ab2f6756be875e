/**
 * Copies every table of one Rapport database into another, row for row, whatever their
 * engines. Backups, restores and the move from the embedded database to PostgreSQL all come
 * down to this, so the rules live once: both sides at the same migration, the target empty,
 * parents before children (foreign keys stay on), in one transaction on the target so that a
 * crash leaves it as it was.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { ConflictError, UnavailableError } from '../errors.js';

// biome-ignore lint/suspicious/noExplicitAny: tables are copied by name, whatever their row type
type AnyDb = Kysely<any>;

export interface TableInfo {
  name: string;
  columns: string[];
  /** Primary-key columns, in key order: the copy pages by them. */
  key: string[];
}

export interface CopyProgress {
  table: string;
  rows: number;
  tablesDone: number;
  tablesTotal: number;
}

export interface CopyResult {
  tables: number;
  rows: number;
  /** Rows per table, in copy order. */
  counts: Record<string, number>;
}

const BATCH_ROWS = 500;
// PostgreSQL allows 65,535 bind parameters in one statement.
const MAX_PARAMS = 60_000;

/**
 * The application's tables in an order where every table comes after the tables its foreign
 * keys point at, read from a SQLite database's catalog (every copy has a SQLite side).
 */
export function orderedTables(sqliteDb: Db): TableInfo[] {
  const sqlite = sqliteDb.sqlite;
  if (!sqlite) throw new Error('orderedTables reads a SQLite catalog');
  const names = (
    // local_jobs is the embedded engine's job queue, not data: on PostgreSQL graphile-worker
    // keeps its own, and the tickers and cron enqueue again what is due.
    sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' and name <> 'local_jobs' order by name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
  const parents = new Map<string, string[]>();
  for (const name of names) {
    const refs = sqlite.prepare(`pragma foreign_key_list("${name}")`).all() as { table: string }[];
    parents.set(
      name,
      refs.map((r) => r.table).filter((t) => t !== name),
    );
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (placed.has(name)) return;
    if (path.has(name)) throw new Error(`foreign keys form a cycle through ${name}`);
    path.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent, path);
    path.delete(name);
    placed.add(name);
    ordered.push(name);
  };
  for (const name of names) visit(name, new Set());
  return ordered.map((name) => {
    const columns = sqlite.prepare(`pragma table_info("${name}")`).all() as { name: string; pk: number }[];
    const key = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    if (key.length === 0) throw new Error(`table ${name} has no primary key to copy it by`);
    return { name, columns: columns.map((c) => c.name), key };
  });
}

async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const rows = await db.selectFrom('kysely_migration').select('name').orderBy('name').execute();
  return rows.map((r) => r.name as string);
}

/** Refuses unless both databases were migrated to the same version. */
export async function assertSameSchema(from: Db, to: Db): Promise<void> {
  const [a, b] = await Promise.all([appliedMigrations(from.kysely as AnyDb), appliedMigrations(to.kysely as AnyDb)]);
  if (a.join() !== b.join()) {
    throw new UnavailableError(
      `the two databases are at different schema versions (${a.at(-1) ?? 'none'} and ${b.at(-1) ?? 'none'}); run the same version of rapport on both`,
    );
  }
}

/** Number of rows in the target's tables, to refuse overwriting data by accident. */
export async function countRows(db: Kysely<Database>, tables: TableInfo[]): Promise<number> {
  let total = 0;
  for (const t of tables) {
    const row = await (db as AnyDb).selectFrom(t.name).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    total += Number(row?.n ?? 0);
  }
  return total;
}

async function deleteAll(trx: Transaction<Database>, tables: TableInfo[]): Promise<void> {
  for (const t of [...tables].reverse()) await (trx as AnyDb).deleteFrom(t.name).execute();
}

/**
 * Copies every row of `from` into `to`. The target must be empty unless `replace` is set, in
 * which case its rows are deleted first, in the same transaction.
 * @throws conflict when the target holds data and `replace` is not set.
 */
export async function copyTables(
  from: Db,
  to: Db,
  tables: TableInfo[],
  options: { replace?: boolean; onProgress?: (p: CopyProgress) => void } = {},
): Promise<CopyResult> {
  await assertSameSchema(from, to);
  const counts: Record<string, number> = {};
  let rows = 0;
  const copyAll = async (source: AnyDb) =>
    to.kysely.transaction().execute(async (trx) => {
      if (options.replace) await deleteAll(trx, tables);
      else if ((await countRows(trx, tables)) > 0) {
        throw new ConflictError('the target database already holds data; use --force to replace it');
      }
      for (const [index, table] of tables.entries()) {
        let copied = 0;
        const batch = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMS / table.columns.length)));
        let after: unknown[] | undefined;
        for (;;) {
          let query = source.selectFrom(table.name).select(table.columns).limit(batch);
          for (const column of table.key) query = query.orderBy(sql.ref(column));
          if (after) {
            const bound = after;
            query = query.where(
              sql<boolean>`(${sql.join(table.key.map((c) => sql.ref(c)))}) > (${sql.join(bound)})`,
            );
          }
          const page = (await query.execute()) as Record<string, unknown>[];
          if (page.length === 0) break;
          await (trx as AnyDb).insertInto(table.name).values(page).execute();
          copied += page.length;
          rows += page.length;
          options.onProgress?.({ table: table.name, rows: copied, tablesDone: index, tablesTotal: tables.length });
          if (page.length < batch) break;
          const last = page[page.length - 1] as Record<string, unknown>;
          after = table.key.map((c) => last[c]);
        }
        counts[table.name] = copied;
        options.onProgress?.({ table: table.name, rows: copied, tablesDone: index + 1, tablesTotal: tables.length });
      }
    });
  if (from.dialect === 'postgres') {
    // One snapshot for the whole read, so a backup taken while the server writes is consistent.
    await from.kysely
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (snapshot) => copyAll(snapshot as AnyDb));
  } else {
    // A SQLite read transaction sees one snapshot (WAL) for its whole length.
    await from.kysely.transaction().execute(async (snapshot) => copyAll(snapshot as AnyDb));
  }
  return { tables: tables.length, rows, counts };
}
