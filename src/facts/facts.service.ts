/**
 * Facts about contacts: preferences, interests, important dates (optionally yearly:
 * birthdays, anniversaries), achievements, gift ideas, family. They feed the suggestions of
 * SPEC §6 (a question to ask, a gift to name, an achievement to acknowledge).
 */
import type { Kysely } from 'kysely';
import { resolveContactId } from '../contacts/contacts.service.js';
import type { Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { toIso } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { forgetRun } from '../suggestions/suggestions.repo.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { deleteFactRow, findFactRow, insertFactRow, listFactRows, updateFactRow, type FactRow } from './facts.repo.js';
import { FactInputSchema, FactPatchSchema, type Fact, type FactInput, type FactKind, type FactPatch } from './facts.schema.js';

export function factRowToFact(row: FactRow): Fact {
  return {
    id: row.id,
    contact_id: row.contact_id,
    kind: row.kind as FactKind,
    text: row.text,
    date: row.date,
    yearly: row.yearly === 1,
    origin: row.origin,
    created_at: toIso(row.created_at),
  };
}

/**
 * Records a fact about the contact named by id or address.
 * @throws not_found (contact), validation (kind, text, date)
 */
export async function addFact(
  db: Kysely<Database>,
  ws: Workspace,
  contactRef: string,
  input: FactInput,
  now: number,
  options: { ids?: IdGenerator; origin?: string } = {},
): Promise<Fact> {
  const data = parseOrThrow(FactInputSchema, input, 'fact');
  const contactId = await resolveContactId(db, ws, contactRef);
  const row: FactRow = {
    workspace_id: ws.id,
    id: (options.ids ?? newId)('fa'),
    contact_id: contactId,
    kind: data.kind,
    text: data.text,
    date: data.date ?? null,
    yearly: data.yearly ? 1 : 0,
    origin: options.origin ?? 'manual',
    created_at: now,
  };
  await insertFactRow(db, row);
  return factRowToFact(row);
}

/** Facts of one contact (or of the whole workspace), oldest first. */
export async function listFacts(db: Kysely<Database>, ws: Workspace, filter: { contact?: string; kind?: FactKind } = {}): Promise<Fact[]> {
  const contactId = filter.contact ? await resolveContactId(db, ws, filter.contact) : undefined;
  const rows = await listFactRows(db, ws.id, { contactId, kinds: filter.kind ? [filter.kind] : undefined });
  return rows.map(factRowToFact);
}

/**
 * @throws not_found
 */
export async function findFactOrThrow(db: Kysely<Database>, ws: Workspace, id: string): Promise<Fact> {
  const row = await findFactRow(db, ws.id, id);
  if (!row) throw new NotFoundError('fact', id);
  return factRowToFact(row);
}

/**
 * Changes a fact; the result must still be valid as a whole (a yearly fact keeps a date).
 * @throws not_found, validation
 */
export async function editFact(db: Kysely<Database>, ws: Workspace, id: string, patch: FactPatch): Promise<Fact> {
  const data = parseOrThrow(FactPatchSchema, patch, 'fact');
  const current = await findFactOrThrow(db, ws, id);
  const merged = parseOrThrow(
    FactInputSchema,
    {
      kind: data.kind ?? current.kind,
      text: data.text ?? current.text,
      date: data.date === undefined ? current.date : data.date,
      yearly: data.yearly ?? current.yearly,
    },
    'fact',
  );
  await updateFactRow(db, ws.id, id, { kind: merged.kind, text: merged.text, date: merged.date ?? null, yearly: merged.yearly ? 1 : 0 });
  // The suggestions' marks see added facts, not changed ones.
  await forgetRun(db, ws.id, [current.contact_id]);
  return findFactOrThrow(db, ws, id);
}

/**
 * @throws not_found
 */
export async function deleteFact(db: Kysely<Database>, ws: Workspace, id: string): Promise<Fact> {
  const fact = await findFactOrThrow(db, ws, id);
  await deleteFactRow(db, ws.id, id);
  await forgetRun(db, ws.id, [fact.contact_id]);
  return fact;
}
