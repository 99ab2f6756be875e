/** Every query of the mail import: progress rows, identity look-ups, batched inserts. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ImportsTable } from '../import.table.js';
import type { InteractionRow } from '../../interactions/interactions.repo.js';
import { lowerFirstSeen } from '../../contacts/contacts.repo.js';
import { kyselyThreadStore, type ThreadStore } from './threading.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Rows per multi-row INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
function chunkRows(columns: number): number {
  return Math.max(1, Math.floor(16_000 / columns));
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function findImportRow(db: Db, workspaceId: string, path: string) {
  return db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).where('path', '=', path).executeTakeFirst();
}

export async function upsertImportRow(db: Db, row: ImportsTable) {
  await db
    .insertInto('imports')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'path']).doUpdateSet({
        format: row.format,
        fingerprint: row.fingerprint,
        position: row.position,
        batches: row.batches,
        status: row.status,
        stats: row.stats,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function saveImportProgress(
  db: Db,
  workspaceId: string,
  id: string,
  values: { position: number; stats: string; status: string; updated_at: number },
) {
  await db
    .updateTable('imports')
    .set((eb) => ({ ...values, batches: eb('batches', '+', 1) }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function findKnownIdentities(db: Db, workspaceId: string, identities: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (const part of chunks(identities, 500)) {
    const rows = await db
      .selectFrom('interactions')
      .select('identity')
      .where('workspace_id', '=', workspaceId)
      .where('identity', 'in', part)
      .execute();
    for (const r of rows) known.add(r.identity);
  }
  return known;
}

export async function listKnowledgeUrls(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('knowledge_items')
    .select('url')
    .where('workspace_id', '=', workspaceId)
    .where('url', 'is not', null)
    .execute();
  return rows.map((r) => r.url!).filter(Boolean);
}

export interface MailRows {
  interactions: InteractionRow[];
  participants: { workspace_id: string; interaction_id: string; contact_id: string; role: string }[];
  refs: { workspace_id: string; ref_message_id: string; interaction_id: string }[];
  tags: { workspace_id: string; interaction_id: string; behavior: string; origin: string }[];
  subjectKeys: { workspace_id: string; subject_key: string; counterpart: string; occurred_at: number; interaction_id: string }[];
}

/** Multi-row inserts of one batch, inside the caller's transaction. */
export async function insertMailRows(db: Db, rows: MailRows) {
  for (const part of chunks(rows.interactions, chunkRows(24))) await db.insertInto('interactions').values(part).execute();
  for (const part of chunks(rows.participants, chunkRows(4))) await db.insertInto('interaction_contacts').values(part).execute();
  for (const part of chunks(rows.refs, chunkRows(3))) await db.insertInto('interaction_refs').values(part).execute();
  for (const part of chunks(rows.tags, chunkRows(4))) await db.insertInto('interaction_behaviors').values(part).execute();
  for (const part of chunks(rows.subjectKeys, chunkRows(5))) await db.insertInto('thread_subject_keys').values(part).execute();
}

/** Distinct threads of the messages whose source starts with `prefix`. */
export async function countThreadsOfSource(db: Db, workspaceId: string, source: string, isFolder: boolean): Promise<number> {
  let q = db
    .selectFrom('interactions')
    .select((eb) => eb.fn.count<number>('thread_id').distinct().as('n'))
    .where('workspace_id', '=', workspaceId);
  q = isFolder
    ? q.where((eb) => eb(eb.fn('substr', ['source', eb.val(1), eb.val(source.length)]), '=', source))
    : q.where('source', '=', source);
  const row = await q.executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The writes of one batch (and the identity look-ups), inside the caller's transaction: these
 * Kysely queries for any dialect, or prepared statements on SQLite (mail-import.sqlite.ts).
 */
export interface MailStore {
  findKnownIdentities(identities: string[]): Promise<Set<string>>;
  insertRows(rows: MailRows): Promise<void>;
  /** Moves first_seen_at earlier (never later) for the contacts listed under each time. */
  lowerFirstSeen(byTime: Map<number, string[]>): Promise<void>;
  threads: ThreadStore;
}

export function kyselyMailStore(db: Db, ws: string): MailStore {
  return {
    findKnownIdentities: (identities) => findKnownIdentities(db, ws, identities),
    insertRows: (rows) => insertMailRows(db, rows),
    async lowerFirstSeen(byTime) {
      for (const [at, contactIds] of byTime) await lowerFirstSeen(db, ws, contactIds, at);
    },
    threads: kyselyThreadStore(db, ws),
  };
}
