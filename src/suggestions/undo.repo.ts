/** Queries that take back what acting on a suggestion wrote (see undo.service.ts). */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export function findLoggedInteraction(db: Db, workspaceId: string, interactionId: string, contactId: string) {
  return db
    .selectFrom('interactions as i')
    .innerJoin('interaction_contacts as p', (j) => j.onRef('p.workspace_id', '=', 'i.workspace_id').onRef('p.interaction_id', '=', 'i.id'))
    .select(['i.id', 'i.thread_id', 'i.created_at', 'i.direction'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.id', '=', interactionId)
    .where('p.contact_id', '=', contactId)
    .executeTakeFirst();
}

/** Reopens the commitments this interaction met (it carried their heroics tag, deleted with it). */
export async function reopenCommitmentsMetBy(db: Db, workspaceId: string, interactionId: string) {
  await db.updateTable('commitments').set({ status: 'open', done_at: null, interaction_id: null }).where('workspace_id', '=', workspaceId).where('interaction_id', '=', interactionId).execute();
}

export async function deleteSharesBy(db: Db, workspaceId: string, interactionId: string) {
  await db.deleteFrom('knowledge_shares').where('workspace_id', '=', workspaceId).where('interaction_id', '=', interactionId).execute();
}

/** Deletes the interaction (participants, tags and references go with it) and fixes its thread's count and last time. */
export async function deleteInteractionRow(db: Db, workspaceId: string, interactionId: string, threadId: string | null) {
  await db.deleteFrom('interactions').where('workspace_id', '=', workspaceId).where('id', '=', interactionId).execute();
  if (!threadId) return;
  const left = await db
    .selectFrom('interactions')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('occurred_at').as('last')])
    .where('workspace_id', '=', workspaceId)
    .where('thread_id', '=', threadId)
    .executeTakeFirst();
  const n = Number(left?.n ?? 0);
  if (n === 0) await db.deleteFrom('threads').where('workspace_id', '=', workspaceId).where('id', '=', threadId).execute();
  else await db.updateTable('threads').set({ message_count: n, last_at: sql`${Number(left?.last)}` }).where('workspace_id', '=', workspaceId).where('id', '=', threadId).execute();
}
