/**
 * The ledger of effects outside the database (an e-mail sent): a job claims its effect's key
 * before causing it, so a job that runs again finds the key and does nothing. If the effect
 * fails the claim is dropped and the retry causes it; a process that dies between the claim
 * and the effect loses that one effect rather than repeating it (a digest, not a payment).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Runs `effect` unless an effect with `key` was already caused in the workspace; returns
 * whether it ran. The effect's error is rethrown after the claim is dropped.
 */
export async function causeOnce(db: Db, workspaceId: string, key: string, now: number, effect: () => Promise<void>): Promise<boolean> {
  const claimed = await db.kysely
    .insertInto('job_effects')
    .values({ workspace_id: workspaceId, key, done_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) !== 1) return false;
  try {
    await effect();
    return true;
  } catch (error) {
    await db.kysely.deleteFrom('job_effects').where('workspace_id', '=', workspaceId).where('key', '=', key).execute();
    throw error;
  }
}

/** How many effects a workspace has on record (tests count them). */
export async function countEffects(db: Db, workspaceId?: string): Promise<number> {
  let query = db.kysely.selectFrom('job_effects').select(sql<number>`count(*)`.as('n'));
  if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
