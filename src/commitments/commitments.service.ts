/**
 * Commitments: promises to a contact with a due time. Meeting one before it is due is
 * service heroics (SPEC §1, §4.6): the interaction that meets it is tagged `heroics` with the
 * origin `commitment`, the one rule-based way that tag is given.
 */
import type { Kysely } from 'kysely';
import { resolveContactId } from '../contacts/contacts.service.js';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { insertInteractionRows } from '../interactions/interactions.repo.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { forgetRun } from '../suggestions/suggestions.repo.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import {
  deleteCommitmentRow,
  findCommitmentRow,
  findInteractionForCommitment,
  insertCommitmentRow,
  listCommitmentRows,
  updateCommitmentRow,
  type CommitmentRow,
} from './commitments.repo.js';
import {
  CommitmentInputSchema,
  CommitmentPatchSchema,
  type Commitment,
  type CommitmentInput,
  type CommitmentPatch,
  type CommitmentStatus,
} from './commitments.schema.js';

export const HEROICS_ORIGIN = 'commitment';

export function commitmentRowToCommitment(row: CommitmentRow): Commitment {
  return {
    id: row.id,
    contact_id: row.contact_id,
    text: row.text,
    due: toIso(row.due_at),
    status: row.status as CommitmentStatus,
    done_at: toIsoOrNull(row.done_at),
    interaction_id: row.interaction_id,
    on_time: row.done_at === null ? null : row.done_at <= row.due_at,
    created_at: toIso(row.created_at),
  };
}

/**
 * Records a promise to the contact named by id or address.
 * @throws not_found (contact), validation
 */
export async function addCommitment(
  db: Kysely<Database>,
  ws: Workspace,
  contactRef: string,
  input: CommitmentInput,
  now: number,
  ids: IdGenerator = newId,
): Promise<Commitment> {
  const data = parseOrThrow(CommitmentInputSchema, input, 'commitment');
  const contactId = await resolveContactId(db, ws, contactRef);
  const row: CommitmentRow = {
    workspace_id: ws.id,
    id: ids('cm'),
    contact_id: contactId,
    text: data.text,
    due_at: data.due_at,
    status: 'open',
    done_at: null,
    interaction_id: null,
    created_at: now,
  };
  await insertCommitmentRow(db, row);
  return commitmentRowToCommitment(row);
}

/** Commitments, soonest due first. */
export async function listCommitments(
  db: Kysely<Database>,
  ws: Workspace,
  filter: { contact?: string; status?: CommitmentStatus } = {},
): Promise<Commitment[]> {
  const contactId = filter.contact ? await resolveContactId(db, ws, filter.contact) : undefined;
  return (await listCommitmentRows(db, ws.id, { contactId, status: filter.status })).map(commitmentRowToCommitment);
}

/**
 * @throws not_found
 */
export async function findCommitmentOrThrow(db: Kysely<Database>, ws: Workspace, id: string): Promise<Commitment> {
  const row = await findCommitmentRow(db, ws.id, id);
  if (!row) throw new NotFoundError('commitment', id);
  return commitmentRowToCommitment(row);
}

/**
 * @throws not_found, validation
 */
export async function editCommitment(db: Kysely<Database>, ws: Workspace, id: string, patch: CommitmentPatch): Promise<Commitment> {
  const data = parseOrThrow(CommitmentPatchSchema, patch, 'commitment');
  const current = await findCommitmentOrThrow(db, ws, id);
  const values: Partial<CommitmentRow> = {};
  if (data.text !== undefined) values.text = data.text;
  if (data.due_at !== undefined) values.due_at = data.due_at;
  if (Object.keys(values).length > 0) await updateCommitmentRow(db, ws.id, id, values);
  // The suggestions' marks see added commitments, not changed ones.
  await forgetRun(db, ws.id, [current.contact_id]);
  return findCommitmentOrThrow(db, ws, id);
}

/**
 * @throws not_found
 */
export async function deleteCommitment(db: Kysely<Database>, ws: Workspace, id: string): Promise<Commitment> {
  const found = await findCommitmentOrThrow(db, ws, id);
  await deleteCommitmentRow(db, ws.id, id);
  await forgetRun(db, ws.id, [found.contact_id]);
  return found;
}

/**
 * Marks a commitment met. With the interaction that met it, the commitment is met at that
 * interaction's time, and when that is before the due time the interaction is tagged
 * `heroics`. Without one, it is met `now`.
 * @throws not_found (commitment, interaction), conflict (already done), validation (the
 * interaction does not involve the commitment's contact)
 */
export async function completeCommitment(
  db: Kysely<Database>,
  ws: Workspace,
  id: string,
  now: number,
  options: { interactionId?: string } = {},
): Promise<Commitment> {
  const row = await findCommitmentRow(db, ws.id, id);
  if (!row) throw new NotFoundError('commitment', id);
  if (row.status === 'done') throw new ConflictError(`commitment ${id} is already done (${toIso(row.done_at ?? now)})`);
  let doneAt = now;
  const interactionId = options.interactionId ?? null;
  if (interactionId) {
    const ix = await findInteractionForCommitment(db, ws.id, interactionId);
    if (!ix) throw new NotFoundError('interaction', interactionId);
    if (!ix.contact_ids.includes(row.contact_id)) {
      throw new ValidationError(`--interaction: interaction ${interactionId} does not involve the contact of commitment ${id}`, [
        { where: '--interaction', reason: 'not with this contact' },
      ]);
    }
    doneAt = ix.occurred_at;
  }
  await db.transaction().execute(async (trx) => {
    await updateCommitmentRow(trx, ws.id, id, { status: 'done', done_at: doneAt, interaction_id: interactionId });
    if (interactionId && doneAt <= row.due_at) {
      await insertInteractionRows(trx, [], [], [{ workspace_id: ws.id, interaction_id: interactionId, behavior: 'heroics', origin: HEROICS_ORIGIN }]);
    }
    await forgetRun(trx, ws.id, [row.contact_id]);
  });
  return findCommitmentOrThrow(db, ws, id);
}
