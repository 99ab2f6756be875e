/** Queries on interactions, their participants and tags. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { InteractionsTable } from './interactions.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type InteractionRow = Omit<InteractionsTable, 'date_inferred' | 'word_count' | 'is_closer' | 'automated' | 'refs' | 'attachments'> & {
  date_inferred: number;
  word_count: number;
  is_closer: number;
  automated: number;
  refs: string;
  attachments: string;
};

export async function insertInteractionRows(
  db: Db,
  rows: InteractionRow[],
  participants: { workspace_id: string; interaction_id: string; contact_id: string; role: string }[],
  tags: { workspace_id: string; interaction_id: string; behavior: string; origin: string }[],
) {
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('interactions').values(rows.slice(i, i + 100)).execute();
  for (let i = 0; i < participants.length; i += 300) {
    await db.insertInto('interaction_contacts').values(participants.slice(i, i + 300)).onConflict((oc) => oc.doNothing()).execute();
  }
  for (let i = 0; i < tags.length; i += 300) {
    await db.insertInto('interaction_behaviors').values(tags.slice(i, i + 300)).onConflict((oc) => oc.doNothing()).execute();
  }
}

export function findInteractionRow(db: Db, workspaceId: string, id: string) {
  return db.selectFrom('interactions').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function findThreadRow(db: Db, workspaceId: string, id: string) {
  return db.selectFrom('threads').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** A thread's interactions in the order they happened. */
export function listInteractionRowsForThread(db: Db, workspaceId: string, threadId: string) {
  return db
    .selectFrom('interactions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('thread_id', '=', threadId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

export function listInteractionRowsForContact(db: Db, workspaceId: string, contactId: string, limit: number, before?: number) {
  let q = db
    .selectFrom('interactions as i')
    .innerJoin('interaction_contacts as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id'))
    .selectAll('i')
    .where('p.workspace_id', '=', workspaceId)
    .where('p.contact_id', '=', contactId);
  if (before !== undefined) q = q.where('i.occurred_at', '<', before);
  return q.orderBy('i.occurred_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute();
}

export function listTagsFor(db: Db, workspaceId: string, interactionIds: string[]) {
  if (interactionIds.length === 0) return Promise.resolve([] as { interaction_id: string; behavior: string; origin: string }[]);
  return db
    .selectFrom('interaction_behaviors')
    .select(['interaction_id', 'behavior', 'origin'])
    .where('workspace_id', '=', workspaceId)
    .where('interaction_id', 'in', interactionIds)
    .execute();
}

export function listParticipantsFor(db: Db, workspaceId: string, interactionIds: string[]) {
  if (interactionIds.length === 0) return Promise.resolve([] as { interaction_id: string; contact_id: string; role: string }[]);
  return db
    .selectFrom('interaction_contacts')
    .select(['interaction_id', 'contact_id', 'role'])
    .where('workspace_id', '=', workspaceId)
    .where('interaction_id', 'in', interactionIds)
    .execute();
}
