/** Every query on knowledge items and their shares. Row types stay in here. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { KnowledgeItemsTable, KnowledgeSharesTable } from './knowledge.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type KnowledgeRow = Omit<KnowledgeItemsTable, 'topics'> & { topics: string };
export type KnowledgeShareRow = KnowledgeSharesTable;

export function insertKnowledgeRow(db: Db, row: KnowledgeRow) {
  return db.insertInto('knowledge_items').values(row).execute();
}

export function findKnowledgeRow(db: Db, workspaceId: string, id: string): Promise<KnowledgeRow | undefined> {
  return db.selectFrom('knowledge_items').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function listKnowledgeRows(db: Db, workspaceId: string): Promise<KnowledgeRow[]> {
  return db.selectFrom('knowledge_items').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at', 'desc').orderBy('id').execute();
}

export function updateKnowledgeRow(db: Db, workspaceId: string, id: string, values: Partial<KnowledgeRow>) {
  return db.updateTable('knowledge_items').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function deleteKnowledgeRow(db: Db, workspaceId: string, id: string) {
  await db.deleteFrom('knowledge_shares').where('workspace_id', '=', workspaceId).where('knowledge_id', '=', id).execute();
  return db.deleteFrom('knowledge_items').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function listShareRows(db: Db, workspaceId: string, knowledgeIds?: string[]): Promise<KnowledgeShareRow[]> {
  let q = db.selectFrom('knowledge_shares').selectAll().where('workspace_id', '=', workspaceId);
  if (knowledgeIds) {
    if (knowledgeIds.length === 0) return Promise.resolve([]);
    q = q.where('knowledge_id', 'in', knowledgeIds);
  }
  return q.orderBy('shared_at').orderBy('contact_id').execute();
}

/** Sharing twice keeps the first share. */
export function insertShareRow(db: Db, row: KnowledgeShareRow) {
  return db
    .insertInto('knowledge_shares')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'knowledge_id', 'contact_id']).doNothing())
    .execute();
}
