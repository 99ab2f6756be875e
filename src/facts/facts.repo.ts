/** Every query on facts. Row types stay in here. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { FactsTable } from './facts.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type FactRow = Omit<FactsTable, 'yearly' | 'origin'> & { yearly: number; origin: string };

export function insertFactRow(db: Db, row: FactRow) {
  return db.insertInto('facts').values(row).execute();
}

export function findFactRow(db: Db, workspaceId: string, id: string): Promise<FactRow | undefined> {
  return db.selectFrom('facts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function listFactRows(db: Db, workspaceId: string, filter: { contactId?: string; kinds?: readonly string[] } = {}): Promise<FactRow[]> {
  let q = db.selectFrom('facts').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  if (filter.kinds && filter.kinds.length > 0) q = q.where('kind', 'in', filter.kinds);
  return q.orderBy('contact_id').orderBy('created_at').orderBy('id').execute();
}

export function updateFactRow(db: Db, workspaceId: string, id: string, values: Partial<FactRow>) {
  return db.updateTable('facts').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function deleteFactRow(db: Db, workspaceId: string, id: string) {
  return db.deleteFrom('facts').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}
