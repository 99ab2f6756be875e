/** Every query on commitments. Row types stay in here. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CommitmentsTable } from './commitments.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type CommitmentRow = Omit<CommitmentsTable, 'status'> & { status: string };

export function insertCommitmentRow(db: Db, row: CommitmentRow) {
  return db.insertInto('commitments').values(row).execute();
}

export function findCommitmentRow(db: Db, workspaceId: string, id: string): Promise<CommitmentRow | undefined> {
  return db.selectFrom('commitments').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function listCommitmentRows(
  db: Db,
  workspaceId: string,
  filter: { contactId?: string; status?: string; dueBefore?: number } = {},
): Promise<CommitmentRow[]> {
  let q = db.selectFrom('commitments').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.dueBefore !== undefined) q = q.where('due_at', '<', filter.dueBefore);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  return q.orderBy('due_at').orderBy('id').execute();
}

export function updateCommitmentRow(db: Db, workspaceId: string, id: string, values: Partial<CommitmentRow>) {
  return db.updateTable('commitments').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function deleteCommitmentRow(db: Db, workspaceId: string, id: string) {
  return db.deleteFrom('commitments').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** The time and participants of an interaction, to check that it can meet a commitment. */
export async function findInteractionForCommitment(db: Db, workspaceId: string, interactionId: string) {
  const row = await db
    .selectFrom('interactions')
    .select(['id', 'occurred_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', interactionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const people = await db
    .selectFrom('interaction_contacts')
    .select('contact_id')
    .where('workspace_id', '=', workspaceId)
    .where('interaction_id', '=', interactionId)
    .execute();
  return { id: row.id, occurred_at: row.occurred_at, contact_ids: people.map((p) => p.contact_id) };
}
