/**
 * One workspace as a JSON archive: everything its people logged, imported and set, to take to
 * another Rapport installation (either engine). Credentials stay behind: sessions, API tokens
 * and invitations are secrets of this installation, and members' passwords are not exported.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase, type Db } from '../db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { orderedTables, type TableInfo } from './table-copy.js';

// biome-ignore lint/suspicious/noExplicitAny: tables are copied by name, whatever their row type
type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

const FORMAT = 'rapport-workspace';
const VERSION = 1;
/** Secrets of this installation, never carried to another. */
const LEFT_BEHIND = new Set(['sessions', 'api_tokens', 'invitations']);

export interface WorkspaceArchive {
  format: typeof FORMAT;
  version: number;
  /** The last migration of the database it came from: an archive is read by the same schema. */
  schema: string;
  exported_at: string;
  workspace: Row;
  users: { id: string; email: string; name: string | null }[];
  tables: Record<string, Row[]>;
}

/** The tables that belong to a workspace, parents first, read from a fresh schema's catalog. */
async function tenantTables(): Promise<TableInfo[]> {
  const catalog = await openDatabase({ url: ':memory:' });
  try {
    return orderedTables(catalog).filter((t) => t.columns.includes('workspace_id') && !LEFT_BEHIND.has(t.name));
  } finally {
    await catalog.close();
  }
}

async function lastMigration(db: Db): Promise<string> {
  const row = await (db.kysely as AnyDb).selectFrom('kysely_migration').select('name').orderBy('name', 'desc').executeTakeFirst();
  return String(row?.name ?? '');
}

/** Writes the workspace to `file` as one JSON document. @throws conflict when the file exists and `force` is not set. */
export async function exportWorkspace(db: Db, ws: Workspace, file: string, options: { force?: boolean } = {}): Promise<{ file: string; rows: number }> {
  const path = resolve(file);
  if (existsSync(path) && !options.force) throw new ConflictError(`${path} already exists; use --force to overwrite it`);
  const tables = await tenantTables();
  const archive = await db.kysely.transaction().execute(async (trx) => {
    const k = trx as AnyDb;
    const workspace = (await k.selectFrom('workspaces').selectAll().where('id', '=', ws.id).executeTakeFirstOrThrow()) as Row;
    const users = await k
      .selectFrom('users')
      .innerJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.id', 'users.email', 'users.name'])
      .where('memberships.workspace_id', '=', ws.id)
      .orderBy('users.email')
      .execute();
    const rows: Record<string, Row[]> = {};
    for (const t of tables) {
      let query = k.selectFrom(t.name).select(t.columns).where('workspace_id', '=', ws.id);
      for (const column of t.key) query = query.orderBy(column);
      rows[t.name] = (await query.execute()) as Row[];
    }
    return { workspace, users, rows };
  });
  const document: WorkspaceArchive = {
    format: FORMAT,
    version: VERSION,
    schema: await lastMigration(db),
    exported_at: new Date().toISOString(),
    workspace: archive.workspace,
    users: archive.users as WorkspaceArchive['users'],
    tables: archive.rows,
  };
  writeFileSync(path, JSON.stringify(document));
  return { file: path, rows: Object.values(archive.rows).reduce((n, r) => n + r.length, 0) };
}

function readArchive(file: string): WorkspaceArchive {
  const path = resolve(file);
  if (!existsSync(path)) throw new NotFoundError('archive', path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ValidationError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const a = parsed as Partial<WorkspaceArchive>;
  if (a?.format !== FORMAT || typeof a.tables !== 'object' || !a.workspace || !Array.isArray(a.users)) {
    throw new ValidationError(`${path} is not a workspace archive written by rapport export-workspace`);
  }
  if (a.version !== VERSION) throw new ValidationError(`${path} is archive version ${a.version}; this rapport reads version ${VERSION}`);
  return a as WorkspaceArchive;
}

/**
 * Adds the archived workspace to `db`, in one transaction. Members are matched by email; a
 * member new to this installation is added without a password.
 * @throws conflict when the workspace (or its slug) exists here; validation for a bad archive or another schema.
 */
export async function importWorkspace(db: Db, file: string, options: { slug?: string } = {}): Promise<{ slug: string; rows: number; users_created: number }> {
  const archive = readArchive(file);
  const schema = await lastMigration(db);
  if (archive.schema !== schema) {
    throw new ValidationError(`the archive was written at schema ${archive.schema}, this database is at ${schema}; use the same version of rapport`);
  }
  const tables = await tenantTables();
  const known = new Set(tables.map((t) => t.name));
  const unknown = Object.keys(archive.tables).filter((name) => !known.has(name));
  if (unknown.length) throw new ValidationError(`the archive has tables this database does not: ${unknown.join(', ')}`);
  const slug = options.slug ?? String(archive.workspace.slug);
  return db.kysely.transaction().execute(async (trx) => {
    const k = trx as AnyDb;
    const id = String(archive.workspace.id);
    if (await k.selectFrom('workspaces').select('id').where('id', '=', id).executeTakeFirst()) {
      throw new ConflictError('this workspace is already in this database');
    }
    if (await k.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst()) {
      throw new ConflictError(`a workspace with the slug "${slug}" exists here; choose another with --slug`);
    }
    await k.insertInto('workspaces').values({ ...archive.workspace, slug }).execute();
    // Members keep their accounts: a user known here by email is the same person under another id.
    const userIds = new Map<string, string>();
    let usersCreated = 0;
    for (const user of archive.users) {
      const existing = await k.selectFrom('users').select('id').where('email', '=', user.email).executeTakeFirst();
      if (existing) userIds.set(user.id, String(existing.id));
      else {
        await k.insertInto('users').values({ id: user.id, email: user.email, name: user.name, password_hash: null, created_at: Date.now() }).execute();
        usersCreated++;
      }
    }
    const mapUser = (row: Row): Row => {
      if (userIds.size === 0) return row;
      const out: Row = {};
      for (const [key, value] of Object.entries(row)) out[key] = typeof value === 'string' ? (userIds.get(value) ?? value) : value;
      return out;
    };
    let rows = 0;
    for (const t of tables) {
      const list = archive.tables[t.name] ?? [];
      const batch = Math.max(1, Math.floor(30_000 / t.columns.length));
      for (let i = 0; i < list.length; i += batch) {
        const chunk = list.slice(i, i + batch).map((row) => {
          if (row.workspace_id !== id) throw new ValidationError(`the archive's ${t.name} holds a row of another workspace`);
          return mapUser(row);
        });
        await k.insertInto(t.name).values(chunk).execute();
        rows += chunk.length;
      }
    }
    return { slug, rows, users_created: usersCreated };
  });
}
