/**
 * Knowledge items and the record of whom each was shared with, so that the same item is
 * proposed to a contact once (SPEC §6 share_knowledge).
 */
import type { Kysely, Transaction } from 'kysely';
import { resolveContactId } from '../contacts/contacts.service.js';
import type { Database } from '../db/schema.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { findInteractionRow, listParticipantsFor } from '../interactions/interactions.repo.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { toIso } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { forgetRun } from '../suggestions/suggestions.repo.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import {
  deleteKnowledgeRow,
  findKnowledgeRow,
  insertKnowledgeRow,
  insertShareRow,
  listKnowledgeRows,
  listShareRows,
  updateKnowledgeRow,
  type KnowledgeRow,
  type KnowledgeShareRow,
} from './knowledge.repo.js';
import { KnowledgeInputSchema, KnowledgePatchSchema, type KnowledgeInput, type KnowledgeItem, type KnowledgePatch } from './knowledge.schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export function knowledgeRowToItem(row: KnowledgeRow, shares: KnowledgeShareRow[]): KnowledgeItem {
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    topics: readJson<string[]>(row.topics, []),
    body: row.body,
    created_at: toIso(row.created_at),
    shared_with: shares.filter((s) => s.knowledge_id === row.id).map((s) => ({ contact_id: s.contact_id, at: toIso(s.shared_at) })),
  };
}

/**
 * @throws validation (title, url, topics)
 */
export async function addKnowledge(db: Kysely<Database>, ws: Workspace, input: KnowledgeInput, now: number, ids: IdGenerator = newId): Promise<KnowledgeItem> {
  const data = parseOrThrow(KnowledgeInputSchema, input, 'knowledge item');
  const row: KnowledgeRow = {
    workspace_id: ws.id,
    id: ids('kn'),
    title: data.title,
    url: data.url ?? null,
    topics: JSON.stringify([...new Set(data.topics)]),
    body: data.body ?? null,
    created_at: now,
  };
  await insertKnowledgeRow(db, row);
  return knowledgeRowToItem(row, []);
}

/** Knowledge items, newest first, optionally only those with a topic. */
export async function listKnowledge(db: Kysely<Database>, ws: Workspace, filter: { topic?: string } = {}): Promise<KnowledgeItem[]> {
  const rows = await listKnowledgeRows(db, ws.id);
  const shares = await listShareRows(db, ws.id);
  const items = rows.map((r) => knowledgeRowToItem(r, shares));
  const topic = filter.topic?.trim().toLowerCase();
  return topic ? items.filter((i) => i.topics.includes(topic)) : items;
}

/**
 * @throws not_found
 */
export async function findKnowledgeOrThrow(db: Db, ws: Workspace, id: string): Promise<KnowledgeItem> {
  const row = await findKnowledgeRow(db, ws.id, id);
  if (!row) throw new NotFoundError('knowledge item', id);
  return knowledgeRowToItem(row, await listShareRows(db, ws.id, [id]));
}

/**
 * @throws not_found, validation
 */
export async function editKnowledge(db: Kysely<Database>, ws: Workspace, id: string, patch: KnowledgePatch): Promise<KnowledgeItem> {
  const data = parseOrThrow(KnowledgePatchSchema, patch, 'knowledge item');
  await findKnowledgeOrThrow(db, ws, id);
  const values: Partial<KnowledgeRow> = {};
  if (data.title !== undefined) values.title = data.title;
  if (data.url !== undefined) values.url = data.url;
  if (data.topics !== undefined) values.topics = JSON.stringify([...new Set(data.topics)]);
  if (data.body !== undefined) values.body = data.body;
  if (Object.keys(values).length > 0) await updateKnowledgeRow(db, ws.id, id, values);
  // The suggestions' data stamp sees added items, not changed topics.
  await forgetRun(db, ws.id);
  return findKnowledgeOrThrow(db, ws, id);
}

/**
 * @throws not_found
 */
export async function deleteKnowledge(db: Kysely<Database>, ws: Workspace, id: string): Promise<KnowledgeItem> {
  const item = await findKnowledgeOrThrow(db, ws, id);
  await deleteKnowledgeRow(db, ws.id, id);
  await forgetRun(db, ws.id);
  return item;
}

/**
 * Records that an item was shared with a contact (named by id or address), optionally by a
 * given interaction. Sharing again keeps the first record.
 * @throws not_found (item, contact, interaction), validation (the interaction is not with the contact)
 */
export async function shareKnowledge(
  db: Db,
  ws: Workspace,
  id: string,
  contactRef: string,
  now: number,
  interactionId: string | null = null,
): Promise<KnowledgeItem> {
  await findKnowledgeOrThrow(db, ws, id);
  const contactId = await resolveContactId(db, ws, contactRef);
  if (interactionId !== null) await assertInteractionWith(db, ws, interactionId, contactId);
  await insertShareRow(db, { workspace_id: ws.id, knowledge_id: id, contact_id: contactId, interaction_id: interactionId, shared_at: now });
  await forgetRun(db, ws.id, [contactId]);
  return findKnowledgeOrThrow(db, ws, id);
}

/** The interaction that did a share must be one of this workspace's, with that contact. */
async function assertInteractionWith(db: Db, ws: Workspace, interactionId: string, contactId: string) {
  if (!(await findInteractionRow(db, ws.id, interactionId))) throw new NotFoundError('interaction', interactionId);
  const people = await listParticipantsFor(db, ws.id, [interactionId]);
  if (!people.some((p) => p.contact_id === contactId)) {
    throw new ValidationError(`interaction_id: interaction ${interactionId} does not involve contact ${contactId}`, [
      { where: 'interaction_id', reason: 'not with this contact' },
    ]);
  }
}
