/**
 * Undo of Today's actions. Snooze and dismiss only change the suggestion's status, so undo
 * reopens it. Done also wrote data: undo deletes the interaction that done logged (its tags,
 * participants and place in its thread go with it), reopens a commitment it met, forgets a
 * knowledge share it recorded, and rescores the contact, so that waits and health are as
 * before. Kept apart from completeSuggestion so that what done writes can change without
 * this file, as long as it is tied to the logged interaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { findSuggestionListRow, forgetRun, updateSuggestionRow } from './suggestions.repo.js';
import type { Suggestion } from './suggestions.schema.js';
import { findSuggestionOrThrow } from './suggestions.service.js';
import { deleteInteractionRow, deleteSharesBy, findLoggedInteraction, reopenCommitmentsMetBy } from './undo.repo.js';

/**
 * Takes back done, snooze or dismiss: the suggestion is open again. Undoing done needs the id
 * of the interaction that done logged (`interaction.id` of its answer).
 * @throws not_found (suggestion, interaction), conflict (already open), validation (done without
 * interaction_id, or an interaction that done did not log)
 */
export async function undoSuggestion(db: Kysely<Database>, ws: Workspace, id: string, now: number, options: { interactionId?: string } = {}): Promise<Suggestion> {
  const row = await findSuggestionListRow(db, ws.id, id);
  if (!row) throw new NotFoundError('suggestion', id);
  if (row.status === 'open') throw new ConflictError(`suggestion ${id} is open: there is nothing to undo`);
  if (row.status !== 'done') {
    await updateSuggestionRow(db, ws.id, id, { status: 'open', snoozed_until: null, updated_at: now });
    return findSuggestionOrThrow(db, ws, id, now);
  }
  if (!options.interactionId) {
    throw new ValidationError('interaction_id: undoing done needs the id of the interaction it logged', [{ where: 'interaction_id', reason: 'required when the suggestion is done' }]);
  }
  const logged = await findLoggedInteraction(db, ws.id, options.interactionId, row.contact_id);
  if (!logged) throw new NotFoundError('interaction', options.interactionId);
  // Done logs its interaction in the same instant it marks the suggestion done.
  if (Number(logged.created_at) !== Number(row.updated_at) || logged.direction !== 'out') {
    throw new ValidationError(`interaction_id: ${options.interactionId} was not logged by marking ${id} done`, [{ where: 'interaction_id', reason: 'not logged by done' }]);
  }
  await db.transaction().execute(async (trx) => {
    await reopenCommitmentsMetBy(trx, ws.id, logged.id);
    await deleteSharesBy(trx, ws.id, logged.id);
    await deleteInteractionRow(trx, ws.id, logged.id, logged.thread_id);
    await updateSuggestionRow(trx, ws.id, id, { status: 'open', snoozed_until: null, updated_at: now });
    // The marks cannot see a deleted interaction, a reopened commitment or a removed share.
    await forgetRun(trx, ws.id, [row.contact_id]);
  });
  const { refreshContactHealth } = await import('../health/health.service.js');
  await refreshContactHealth(db, ws, [row.contact_id], now);
  return findSuggestionOrThrow(db, ws, id, now);
}
