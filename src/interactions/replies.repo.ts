/** Queries of replies logged by hand in a thread: the thread's messages and its bookkeeping. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The messages of a thread, or the one unthreaded message whose id names it, newest first. */
export function listThreadEmailsNewestFirst(db: Db, workspaceId: string, threadId: string) {
  return db
    .selectFrom('interactions')
    .select(['id', 'direction', 'occurred_at', 'subject', 'message_id', 'refs', 'thread_id', 'automated'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .where((eb) => eb.or([eb('thread_id', '=', threadId), eb.and([eb('id', '=', threadId), eb('thread_id', 'is', null)])]))
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findThreadSubject(db: Db, workspaceId: string, threadId: string) {
  return db.selectFrom('threads').select(['subject']).where('workspace_id', '=', workspaceId).where('id', '=', threadId).executeTakeFirst();
}

export async function insertRefRows(db: Db, workspaceId: string, interactionId: string, refs: string[]) {
  if (refs.length === 0) return;
  await db
    .insertInto('interaction_refs')
    .values(refs.map((ref_message_id) => ({ workspace_id: workspaceId, ref_message_id, interaction_id: interactionId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Counts one more message in a stored thread. */
export async function addToThread(db: Db, workspaceId: string, threadId: string, at: number) {
  const row = await db.selectFrom('threads').select(['first_at', 'last_at']).where('workspace_id', '=', workspaceId).where('id', '=', threadId).executeTakeFirst();
  if (!row) return;
  await db
    .updateTable('threads')
    .set((eb) => ({ message_count: eb('message_count', '+', 1), first_at: Math.min(Number(row.first_at), at), last_at: Math.max(Number(row.last_at), at) }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', threadId)
    .execute();
}

/** Makes an unthreaded message the first of a stored thread named by its own id. */
export async function adoptIntoThread(db: Db, workspaceId: string, message: { id: string; subject: string | null; occurred_at: number }) {
  await db
    .insertInto('threads')
    .values({ workspace_id: workspaceId, id: message.id, subject: message.subject, first_at: message.occurred_at, last_at: message.occurred_at, message_count: 1 })
    .execute();
  await db.updateTable('interactions').set({ thread_id: message.id }).where('workspace_id', '=', workspaceId).where('id', '=', message.id).execute();
}
