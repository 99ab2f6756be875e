/**
 * The ledger of effects outside the database (an e-mail sent): a job looks its effect's key
 * up before causing it and records it after, so a job that runs again after it finished does
 * nothing. A process that dies between the effect and the record repeats that one effect on
 * retry (at least once, as the queues promise): such effects carry the same key on the wire
 * (a digest's Message-ID, a webhook's webhook-id) so that the receiver can drop the copy.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Runs `effect` unless an effect with `key` was already recorded in the workspace; returns
 * whether it ran. An effect that throws is not recorded (the retry causes it).
 */
export async function causeOnce(db: Db, workspaceId: string, key: string, now: number, effect: () => Promise<void>): Promise<boolean> {
  const done = await db.kysely.selectFrom('job_effects').select('key').where('workspace_id', '=', workspaceId).where('key', '=', key).executeTakeFirst();
  if (done) return false;
  await effect();
  await db.kysely
    .insertInto('job_effects')
    .values({ workspace_id: workspaceId, key, done_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
    .execute();
  return true;
}

/** How many effects a workspace has on record (tests count them). */
export async function countEffects(db: Db, workspaceId?: string): Promise<number> {
  let query = db.kysely.selectFrom('job_effects').select(sql<number>`count(*)`.as('n'));
  if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
