/**
 * Interactions logged by hand or through the API. Mail import writes through its own batched
 * path (src/import) but produces the same rows.
 */
import type { Kysely, Transaction } from 'kysely';
import { listContactIdsIn, lowerFirstSeen } from '../contacts/contacts.repo.js';
import type { Database } from '../db/schema.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { refreshContactHealth } from '../health/health.service.js';
import { makeBusinessClock } from '../metrics/business-time.js';
import { makeCompetitorMatcher } from '../metrics/engagement.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { toIso } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { watchContacts } from '../webhooks/change-events.js';
import { emitEvent } from '../webhooks/webhooks.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import {
  findInteractionRow,
  findThreadRow,
  insertInteractionRows,
  listInteractionRowsForThread,
  listInteractionRowsForContact,
  listParticipantsFor,
  listTagsFor,
  type InteractionRow,
} from './interactions.repo.js';
import {
  defaultDirection,
  LogInteractionSchema,
  type BehaviorTag,
  type Direction,
  type Interaction,
  type InteractionKind,
  type LogInteractionInput,
  type Tag,
  type Thread,
} from './interactions.schema.js';
import { fileReply, findReplyTarget, type ReplyTarget } from './replies.js';

type Db = Kysely<Database> | Transaction<Database>;

const EXCERPT_CHARS = 280;

export function excerptOf(text: string | null | undefined): string | null {
  if (!text) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat || null;
}

export function interactionRowToInteraction(row: InteractionRow, tags: BehaviorTag[], contactIds: string[]): Interaction {
  return {
    id: row.id,
    kind: row.kind as InteractionKind,
    direction: row.direction as Direction,
    at: toIso(row.occurred_at),
    subject: row.subject,
    excerpt: row.excerpt,
    behaviors: tags,
    sentiment: row.sentiment,
    automated: row.automated === 1,
    source: row.source,
    contact_ids: contactIds,
    thread_id: row.thread_id,
    message_id: row.message_id,
    date_inferred: row.date_inferred === 1,
  };
}

async function presentInteractions(db: Db, workspaceId: string, rows: InteractionRow[]): Promise<Interaction[]> {
  const ids = rows.map((r) => r.id);
  const tags = new Map<string, BehaviorTag[]>();
  const people = new Map<string, string[]>();
  for (const t of await listTagsFor(db, workspaceId, ids)) {
    tags.set(t.interaction_id, [...(tags.get(t.interaction_id) ?? []), { behavior: t.behavior as Tag, origin: t.origin }]);
  }
  for (const p of await listParticipantsFor(db, workspaceId, ids)) {
    people.set(p.interaction_id, [...(people.get(p.interaction_id) ?? []), p.contact_id]);
  }
  return rows.map((r) => interactionRowToInteraction(r, tags.get(r.id) ?? [], people.get(r.id) ?? []));
}

/**
 * Records an interaction by hand (a call, a meeting, a note…) with contacts of the workspace,
 * keeps their stored health current and announces it: interaction.created, and
 * contact.status_changed or wait.opened when the new health says so. Manual behaviour tags
 * stand as given; `detectTags` adds rule-based tags for outbound text when provided. With
 * `reply`, the interaction is a reply filed in that thread (see replies.ts).
 * @throws validation, not_found (a contact id that is not the workspace's)
 */
export async function logInteraction(
  db: Kysely<Database>,
  ws: Workspace,
  input: LogInteractionInput,
  now: number,
  options: {
    ids?: IdGenerator;
    createdBy?: string | null;
    detectTags?: (text: string) => BehaviorTag[];
    sentiment?: (text: string) => number | null;
    reply?: ReplyTarget | null;
  } = {},
): Promise<Interaction> {
  const data = parseOrThrow(LogInteractionSchema, input, 'interaction');
  const contactIds = [...new Set(data.contact_ids)];
  const known = new Set((await listContactIdsIn(db, ws.id, contactIds)).map((c) => c.id));
  const unknown = contactIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new NotFoundError('contact', unknown.join(', '));
  const ids = options.ids ?? newId;
  const id = ids('ix');
  const direction = data.direction ?? defaultDirection(data.kind);
  const text = data.text ?? null;
  const row: InteractionRow = {
    workspace_id: ws.id,
    id,
    identity: `manual:${id}`,
    kind: data.kind,
    direction,
    occurred_at: data.at,
    date_inferred: 0,
    subject: data.subject ?? options.reply?.subject ?? null,
    subject_key: null,
    excerpt: excerptOf(text),
    body: text,
    word_count: text ? (text.match(/[\p{L}\p{N}_']+/gu) ?? []).length : 0,
    is_closer: 0,
    sentiment: text && direction === 'in' && options.sentiment ? options.sentiment(text) : null,
    automated: 0,
    source: data.source ?? 'manual',
    from_address: null,
    message_id: null,
    in_reply_to: options.reply?.inReplyTo ?? null,
    refs: JSON.stringify(options.reply?.refs ?? []),
    thread_id: options.reply?.threadId ?? null,
    attachments: '[]',
    created_by: options.createdBy ?? null,
    created_at: now,
  };
  const tags = new Map<string, string>();
  for (const b of data.behaviors ?? []) tags.set(b, 'manual');
  if (text && direction === 'out' && options.detectTags) {
    for (const t of options.detectTags(text)) if (!tags.has(t.behavior)) tags.set(t.behavior, t.origin);
  }
  // A logged interaction has no thread: an inbound email is a thread of its own, so the only
  // wait it can open is the one it starts.
  const clock = makeBusinessClock(ws.settings.time_zone, ws.settings.business_hours);
  const watch = await watchContacts(db, ws, contactIds, now, (contact) => ({
    contact,
    thread_id: id,
    subject: row.subject,
    since: toIso(row.occurred_at),
    wait_s: (now - row.occurred_at) / 1000,
    wait_business_s: clock.seconds(row.occurred_at, now),
    nudges: 0,
    competitors: [...new Set(makeCompetitorMatcher(ws.settings.competitors)([row.subject, text].filter(Boolean).join('\n')))].sort(),
  }));
  const logged = await db.transaction().execute(async (trx) => {
    await insertInteractionRows(
      trx,
      [row],
      contactIds.map((contact_id) => ({ workspace_id: ws.id, interaction_id: id, contact_id, role: 'with' })),
      [...tags].map(([behavior, origin]) => ({ workspace_id: ws.id, interaction_id: id, behavior, origin })),
    );
    if (options.reply) await fileReply(trx, ws.id, id, data.at, options.reply);
    if (direction !== 'internal') await lowerFirstSeen(trx, ws.id, contactIds, data.at);
    const [presented] = await presentInteractions(trx, ws.id, [row]);
    // In the same transaction: the event exists exactly when the interaction does.
    await emitEvent(trx, ws.id, 'interaction.created', presented, now);
    return presented!;
  });
  await refreshContactHealth(db, ws, contactIds, now);
  await watch.finish();
  return logged;
}

/**
 * An interaction by id.
 * @throws not_found
 */
/**
 * Where a reply sent outside Rapport ("Log as sent") is filed: the thread's latest inbound
 * email before `at`, so that the wait it answers ends.
 * @throws validation (not an email, or no inbound email in the thread)
 */
export async function findReplyTargetOrThrow(db: Db, ws: Workspace, threadId: string, kind: string, at: number): Promise<ReplyTarget> {
  if (kind !== 'email') {
    throw new ValidationError(`reply_to_thread: only an email is a reply in a thread, not a ${kind}`, [{ where: 'reply_to_thread', reason: 'not an email' }]);
  }
  const target = await findReplyTarget(db, ws.id, threadId, at);
  if (!target) throw new ValidationError(`reply_to_thread: thread ${threadId} has no email of theirs to reply to`, [{ where: 'reply_to_thread', reason: 'no email' }]);
  return target;
}

export async function findInteractionOrThrow(db: Db, ws: Workspace, id: string): Promise<Interaction> {
  const row = await findInteractionRow(db, ws.id, id);
  if (!row) throw new NotFoundError('interaction', id);
  const [presented] = await presentInteractions(db, ws.id, [row as InteractionRow]);
  return presented!;
}

/**
 * A thread with its interactions, oldest first. An interaction outside any thread (a logged
 * one, an unthreaded email) is a thread of its own under its id, as open waits name it.
 * @throws not_found
 */
export async function findThreadOrThrow(db: Db, ws: Workspace, id: string): Promise<Thread> {
  const thread = await findThreadRow(db, ws.id, id);
  let rows = thread ? ((await listInteractionRowsForThread(db, ws.id, id)) as InteractionRow[]) : [];
  if (!thread) {
    const single = await findInteractionRow(db, ws.id, id);
    if (!single || single.thread_id !== null) throw new NotFoundError('thread', id);
    rows = [single as InteractionRow];
  }
  const interactions = await presentInteractions(db, ws.id, rows);
  const first = rows[0]?.occurred_at ?? thread!.first_at;
  const last = rows[rows.length - 1]?.occurred_at ?? thread!.last_at;
  return {
    id,
    subject: thread ? thread.subject : (rows[0]!.subject ?? null),
    first_at: toIso(first),
    last_at: toIso(last),
    message_count: interactions.length,
    contact_ids: [...new Set(interactions.flatMap((i) => i.contact_ids))],
    interactions,
  };
}

/** A contact's timeline, newest first. */
export async function listTimeline(db: Db, ws: Workspace, contactId: string, limit = 50, before?: number): Promise<Interaction[]> {
  const rows = (await listInteractionRowsForContact(db, ws.id, contactId, limit, before)) as InteractionRow[];
  return presentInteractions(db, ws.id, rows);
}

export function refsOf(row: Pick<InteractionRow, 'refs'>): string[] {
  return readJson<string[]>(row.refs, []);
}
