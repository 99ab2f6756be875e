/**
 * Today (SPEC §6): runs the pure engine over the loaded data, stores its result keyed by
 * cause (so done and dismissed causes keep their status and never return), and serves the
 * ranked open list. The engine runs for the whole minute of `now`, once a day for every
 * contact and otherwise only for the contacts whose data changed or whose suggestions' time
 * came (suggestion_contacts), so a read costs a handful of indexed queries.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { findReplyTarget } from '../interactions/replies.js';
import type { BehaviorTag, Interaction, InteractionKind, Tag } from '../interactions/interactions.schema.js';
import { readJson } from '../shared/json.js';
import { DAY_MS, toIso } from '../shared/time.js';
import { makeBusinessClock } from '../metrics/business-time.js';
import type { OpenWait } from '../metrics/metrics.types.js';
import { DateTime } from 'luxon';
import { parseOrThrow } from '../shared/validate.js';
import { emitEvents, subscribedEvents } from '../webhooks/webhooks.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { suggest, suggestReplies } from './engine.js';
import type { EngineContact, EngineInput, EngineWait } from './engine.types.js';
import type { SuggestionDraft } from './suggestions.schema.js';
import { engineSettings, loadEngineData, readContactStamps, type SuggestionDeps } from './suggestions.input.js';
import {
  deleteSuggestionRows,
  findRun,
  findSuggestionListRow,
  insertSuggestionRows,
  listChangedContacts,
  listRepliesDue,
  listContactStamps,
  listOpenSuggestionRows,
  listSuggestionListRowsIn,
  listSuggestionRows,
  listSuggestionRowsOf,
  readMarks,
  saveContactValidity,
  saveReplyUntil,
  saveRun,
  updateSuggestionRow,
  type RunMarks,
  type SuggestionListRow,
  type SuggestionRow,
} from './suggestions.repo.js';
import { SURPRISE_QUIET_DAYS } from './rules/gifts.js';
import { repliesUntil, validUntil } from './validity.js';
import { localIsoDate } from './words.js';
import { TodayQuerySchema, type Suggestion, type SuggestionBehavior, type SuggestionKind, type SuggestionStatus, type TodayQuery } from './suggestions.schema.js';

export type { SuggestionDeps } from './suggestions.input.js';

const MINUTE_MS = 60_000;

/** The same cause in the same workspace always has the same id. */
export function suggestionId(workspaceId: string, cause: string): string {
  return `sg_${createHash('sha256').update(`${workspaceId}\n${cause}`).digest('hex').slice(0, 20)}`;
}

export function suggestionRowToSuggestion(row: SuggestionListRow, now: number): Suggestion {
  const comeBack = row.status === 'snoozed' && row.snoozed_until !== null && row.snoozed_until <= now;
  const s: Suggestion = {
    id: row.id,
    kind: row.kind as SuggestionKind,
    behavior: row.behavior as SuggestionBehavior,
    contact: { id: row.contact_id, name: row.contact_name, email: row.contact_email },
    reason: row.reason,
    priority: row.priority,
    due: toIso(row.due_at),
    status: (comeBack ? 'open' : row.status) as SuggestionStatus,
    cause: row.cause,
  };
  if (row.draft) s.draft = row.draft;
  if (s.status === 'snoozed' && row.snoozed_until !== null) s.until = toIso(row.snoozed_until);
  return s;
}

/**
 * A run's epoch: its local and UTC day (the rules count days in both), the surprise rule's
 * 180-day period, the settings and the knowledge items. Within one epoch a run recomputes only
 * the contacts whose data changed or whose time has come; a new epoch recomputes everyone.
 */
function epochOf(ws: Workspace, engineNow: number, marks: RunMarks): { key: string; end: number } {
  const nextUtc = engineNow - (engineNow % DAY_MS) + DAY_MS;
  const period = SURPRISE_QUIET_DAYS * DAY_MS;
  const nextPeriod = engineNow - (engineNow % period) + period;
  const key = [ENGINE_VERSION, localIsoDate(engineNow, ws.settings.time_zone), nextUtc, nextPeriod, marks.wu, marks.cc, marks.kc, marks.ku].join('|');
  return { key, end: epochEnd(ws, engineNow) };
}

/** The epoch's end: the next local or UTC midnight or 180-day period, whichever comes first. */
function epochEnd(ws: Workspace, engineNow: number): number {
  const nextLocal = DateTime.fromMillis(engineNow, { zone: ws.settings.time_zone }).startOf('day').plus({ days: 1 }).toMillis();
  const period = SURPRISE_QUIET_DAYS * DAY_MS;
  return Math.min(nextLocal, engineNow - (engineNow % DAY_MS) + DAY_MS, engineNow - (engineNow % period) + period);
}

/** Bumped when a rule changes what it reads of `now`, so stored validity is not trusted across it. */
const ENGINE_VERSION = 'e2';
/** Above this many changed contacts a whole run costs less than the lookups of a partial one. */
const FULL_RUN_ABOVE = 3000;

/** The open waits of these contacts, widened to every sender of those waits (the reply rule keeps one per wait). */
async function waitsOfClosure(db: Kysely<Database>, ws: Workspace, engineNow: number, contacts: Set<string>, deps: SuggestionDeps): Promise<OpenWait[]> {
  const waitsOf =
    deps.listOpenWaitsOf ?? (async (k: Kysely<Database>, w: Workspace, n: number, ids: readonly string[]) => (await deps.listOpenWaits(k, w, n)).filter((x) => ids.includes(x.contact.id)));
  for (;;) {
    const waits = await waitsOf(db, ws, engineNow, [...contacts]);
    const more = waits.map((w) => w.contact.id).filter((id) => !contacts.has(id));
    if (more.length === 0) return waits;
    for (const id of more) contacts.add(id);
  }
}

/**
 * Runs the engine for `now` and stores the result: new causes are added, open ones updated,
 * done and dismissed ones left alone, and open ones whose cause is gone removed. With `only`,
 * just those contacts are recomputed and their suggestions reconciled (an incremental run);
 * the result is the same as a whole run's for the same data and `now`.
 */
export async function refreshSuggestions(db: Kysely<Database>, ws: Workspace, now: number, deps: SuggestionDeps, only?: ReadonlySet<string>) {
  const engineNow = now - (now % MINUTE_MS);
  // Read before the data: whatever is written during the run is seen by the next one.
  const marks = await readMarks(db, ws.id);
  const epoch = epochOf(ws, engineNow, marks);
  const contacts = only ? new Set(only) : null;
  const waits = contacts ? await waitsOfClosure(db, ws, engineNow, contacts, deps) : undefined;
  const { input, stamps } = await loadEngineData(db, ws, engineNow, deps, {
    horizon: epoch.end,
    only: contacts && waits ? { contacts: [...contacts], waits } : undefined,
  });
  const drafts = suggest(input, engineNow);
  const clock = makeBusinessClock(ws.settings.time_zone, ws.settings.business_hours);
  const { until, replyUntil } = validUntil(input, engineNow, epoch.end, (from, to) => clock.seconds(from, to));
  const existingRows = contacts ? await listSuggestionRowsOf(db, ws.id, [...contacts], drafts.map((d) => suggestionId(ws.id, d.cause))) : await listSuggestionRows(db, ws.id);
  const waitsOf = new Map<string, EngineWait[]>();
  for (const w of input.waits) waitsOf.set(w.contact_id, [...(waitsOf.get(w.contact_id) ?? []), w]);
  const held = input.contacts.map((c) => {
    const waits = waitsOf.get(c.id);
    return {
      contact_id: c.id,
      valid_until: until.get(c.id) ?? engineNow,
      stamp: stamps.get(c.id) ?? '',
      reply_until: replyUntil.get(c.id) ?? engineNow,
      replies: waits ? JSON.stringify({ contact: c, waits } satisfies StoredReplies) : null,
    };
  });
  const changes = reconcile(ws, now, drafts, existingRows, contacts);
  await db.transaction().execute(async (trx) => {
    await storeChanges(trx, ws, now, changes);
    await saveContactValidity(trx, ws.id, held, !contacts);
    await saveRun(trx, ws.id, engineNow, epoch.key, now, marks);
  });
  return { suggestions: drafts.length, contacts: input.contacts.length, added: changes.inserts.length, updated: changes.updates.length, removed: changes.gone.length };
}

/** What the reply rule reads of a contact with open waits, kept between runs. */
interface StoredReplies {
  contact: EngineContact;
  waits: EngineWait[];
}

interface Changes {
  inserts: SuggestionRow[];
  updates: { id: string; values: Partial<SuggestionRow> }[];
  gone: string[];
}

/**
 * New causes are added, open ones updated, done and dismissed ones left alone, and open ones
 * whose cause is gone removed: among `existing`, only rows of `scope`'s contacts (all without).
 */
function reconcile(ws: Workspace, now: number, drafts: SuggestionDraft[], existingRows: SuggestionRow[], scope: ReadonlySet<string> | null): Changes {
  const existing = new Map(existingRows.map((r) => [r.cause, r]));
  const inserts: SuggestionRow[] = [];
  const updates: { id: string; values: Partial<SuggestionRow> }[] = [];
  const live = new Set<string>();
  for (const d of drafts) {
    live.add(d.cause);
    const old = existing.get(d.cause);
    const values = { kind: d.kind, behavior: d.behavior, contact_id: d.contact_id, reason: d.reason, priority: d.priority, due_at: d.due_at, draft: d.draft };
    if (!old) {
      inserts.push({ workspace_id: ws.id, id: suggestionId(ws.id, d.cause), cause: d.cause, ...values, status: 'open', snoozed_until: null, created_at: now, updated_at: now });
    } else if (
      (old.status === 'open' || old.status === 'snoozed') &&
      (old.reason !== d.reason || old.priority !== d.priority || Number(old.due_at) !== d.due_at || old.draft !== d.draft || old.contact_id !== d.contact_id)
    ) {
      updates.push({ id: old.id, values: { ...values, updated_at: now } });
    }
  }
  const gone = existingRows
    .filter((r) => (r.status === 'open' || r.status === 'snoozed') && !live.has(r.cause) && (!scope || scope.has(r.contact_id)))
    .map((r) => r.id);
  return { inserts, updates, gone };
}

async function storeChanges(trx: Transaction<Database>, ws: Workspace, now: number, changes: Changes) {
  const inserted = await insertSuggestionRows(trx, changes.inserts);
  for (const u of changes.updates) await updateSuggestionRow(trx, ws.id, u.id, u.values);
  await deleteSuggestionRows(trx, ws.id, changes.gone);
  if (inserted.length > 0 && (await subscribedEvents(trx, ws.id)).has('suggestion.created')) {
    const created = await listSuggestionListRowsIn(trx, ws.id, inserted);
    await emitEvents(trx, ws.id, created.map((r) => ({ type: 'suggestion.created' as const, data: suggestionRowToSuggestion(r, now) })), now);
  }
}

/**
 * Rewrites the replies of contacts whose data is unchanged but whose waits grew in business
 * time, from what the last run kept of them: the reply rule alone, no loading.
 */
async function refreshReplies(db: Kysely<Database>, ws: Workspace, now: number, due: { contact_id: string; replies: string | null }[]): Promise<void> {
  const engineNow = now - (now % MINUTE_MS);
  const clock = makeBusinessClock(ws.settings.time_zone, ws.settings.business_hours);
  const seconds = (from: number, to: number) => clock.seconds(from, to);
  const settings = engineSettings(ws);
  const end = epochEnd(ws, engineNow);
  const contacts: EngineContact[] = [];
  const waits: EngineWait[] = [];
  const next: { contact_id: string; reply_until: number }[] = [];
  for (const row of due) {
    const kept = row.replies ? readJson<StoredReplies | null>(row.replies, null) : null;
    if (!kept) {
      next.push({ contact_id: row.contact_id, reply_until: end });
      continue;
    }
    contacts.push(kept.contact);
    for (const w of kept.waits) waits.push({ ...w, wait_business_s: seconds(w.since, engineNow) });
    next.push({ contact_id: row.contact_id, reply_until: repliesUntil(kept.waits, engineNow, end, settings.business_day_s, seconds) });
  }
  const input: EngineInput = { settings, contacts, waits, facts: [], commitments: [], knowledge: [], shares: [], achievements: [] };
  const drafts = suggestReplies(input, engineNow);
  const ids = due.map((r) => r.contact_id);
  const existingRows = await listSuggestionRowsOf(db, ws.id, ids, drafts.map((d) => suggestionId(ws.id, d.cause)), 'reply');
  const changes = reconcile(ws, now, drafts, existingRows, new Set(ids));
  await db.transaction().execute(async (trx) => {
    await storeChanges(trx, ws, now, changes);
    await saveReplyUntil(trx, ws.id, next);
  });
}

/**
 * Brings the stored suggestions up to date for `now`: a whole run on a new day, new settings
 * or knowledge; otherwise only the contacts whose data changed since the last run or whose
 * suggestions' time has come. Returns how many contacts were recomputed, and whether all were.
 */
export async function ensureSuggestionsFresh(
  db: Kysely<Database>,
  ws: Workspace,
  now: number,
  deps: () => Promise<SuggestionDeps>,
): Promise<{ recomputed: number; whole: boolean }> {
  const engineNow = now - (now % MINUTE_MS);
  const { run, seen, marks } = await lastRunOf(db, ws, engineNow);
  if (!run || !seen) return { recomputed: (await refreshSuggestions(db, ws, now, await deps())).contacts, whole: true };
  const ranFor = Number(run.engine_now);
  const replies = await listRepliesDue(db, ws.id, engineNow);
  if (replies.length > 0) await refreshReplies(db, ws, now, replies);
  const { changed, rows } = await listChangedContacts(db, ws.id, seen, ranFor, engineNow);
  // An edited contact or a rescore counts only when what the engine reads of the row changed.
  const edited = [...rows].filter((id) => !changed.has(id));
  if (edited.length > 0) {
    const [current, stored] = await Promise.all([readContactStamps(db, ws, edited), listContactStamps(db, ws.id, edited)]);
    for (const id of edited) if (current.get(id) !== stored.get(id)) changed.add(id);
  }
  if (changed.size === 0) {
    if (engineNow !== ranFor) await saveRun(db, ws.id, engineNow, run.stamp, now, marks);
    return { recomputed: replies.length, whole: false };
  }
  const whole = changed.size > FULL_RUN_ABOVE;
  const recomputed = (await refreshSuggestions(db, ws, now, await deps(), whole ? undefined : changed)).contacts;
  return { recomputed: recomputed + replies.length, whole };
}

/** The last run and the data it had seen, when a partial run can build on it at `engineNow`; nothing when a whole run is due. */
async function lastRunOf(db: Kysely<Database>, ws: Workspace, engineNow: number) {
  const [run, marks] = await Promise.all([findRun(db, ws.id), readMarks(db, ws.id)]);
  const seen = run?.marks ? readJson<RunMarks | null>(run.marks, null) : null;
  if (!run || !seen || run.stamp !== epochOf(ws, engineNow, marks).key || engineNow < Number(run.engine_now)) return { run: undefined, seen: null, marks };
  return { run, seen, marks };
}

/** Whether the next look at Today would wait for a whole run (a new day, new settings or knowledge). */
export async function isWholeRunDue(db: Kysely<Database>, ws: Workspace, now: number): Promise<boolean> {
  return !(await lastRunOf(db, ws, now - (now % MINUTE_MS))).run;
}

/**
 * The ranked open suggestions (snoozed ones come back when their time has come).
 * @throws validation (limit)
 */
export async function listToday(db: Kysely<Database>, ws: Workspace, now: number, query: TodayQuery, deps: () => Promise<SuggestionDeps>): Promise<Suggestion[]> {
  const q = parseOrThrow(TodayQuerySchema, query, 'query');
  await ensureSuggestionsFresh(db, ws, now, deps);
  const rows = await listOpenSuggestionRows(db, ws.id, now, { limit: q.limit, ownerId: q.owner_id, contactId: q.contact_id });
  return rows.map((r) => suggestionRowToSuggestion(r, now));
}

/**
 * @throws not_found
 */
export async function findSuggestionOrThrow(db: Kysely<Database>, ws: Workspace, id: string, now: number): Promise<Suggestion> {
  const row = await findSuggestionListRow(db, ws.id, id);
  if (!row) throw new NotFoundError('suggestion', id);
  return suggestionRowToSuggestion(row, now);
}

async function findActiveRowOrThrow(db: Kysely<Database>, ws: Workspace, id: string): Promise<SuggestionListRow> {
  const row = await findSuggestionListRow(db, ws.id, id);
  if (!row) throw new NotFoundError('suggestion', id);
  if (row.status === 'done' || row.status === 'dismissed') throw new ConflictError(`suggestion ${id} is already ${row.status}`);
  return row;
}

/**
 * Puts a suggestion away until `until`; it comes back then if its cause still holds.
 * @throws not_found, conflict (done or dismissed), validation (until not in the future)
 */
export async function snoozeSuggestion(db: Kysely<Database>, ws: Workspace, id: string, until: number, now: number): Promise<Suggestion> {
  await findActiveRowOrThrow(db, ws, id);
  if (until <= now) throw new ValidationError(`--until: ${toIso(until)} is not in the future (now is ${toIso(now)})`, [{ where: '--until', reason: 'must be after now' }]);
  await updateSuggestionRow(db, ws.id, id, { status: 'snoozed', snoozed_until: until, updated_at: now });
  return findSuggestionOrThrow(db, ws, id, now);
}

/**
 * Dismisses a suggestion: the same cause never comes back.
 * @throws not_found, conflict (already done or dismissed)
 */
export async function dismissSuggestion(db: Kysely<Database>, ws: Workspace, id: string, now: number): Promise<Suggestion> {
  await findActiveRowOrThrow(db, ws, id);
  await updateSuggestionRow(db, ws.id, id, { status: 'dismissed', snoozed_until: null, updated_at: now });
  return findSuggestionOrThrow(db, ws, id, now);
}

/**
 * The open (or snoozed) suggestion a message sent from Rapport carries out, checked before the
 * message goes out: sending must not fail afterwards for a suggestion already gone.
 * @throws not_found, conflict (already done or dismissed)
 */
export async function findActiveSuggestionOrThrow(db: Kysely<Database>, ws: Workspace, id: string, now: number): Promise<Suggestion> {
  const row = await findActiveRowOrThrow(db, ws, id);
  return suggestionRowToSuggestion(row, now);
}

/**
 * Marks a suggestion done by an interaction already recorded (a reply sent from Rapport is
 * stored by the send itself): only the status changes, nothing is logged a second time.
 * @throws not_found, conflict (already done or dismissed)
 */
export async function markSuggestionDone(db: Kysely<Database>, ws: Workspace, id: string, now: number): Promise<Suggestion> {
  await findActiveRowOrThrow(db, ws, id);
  await updateSuggestionRow(db, ws.id, id, { status: 'done', snoozed_until: null, updated_at: now });
  return findSuggestionOrThrow(db, ws, id, now);
}

/** What doing each kind logs: the interaction kind and the behaviour tag it practises. */
const DONE_AS: Record<SuggestionKind, { kind: InteractionKind; tags: Tag[] }> = {
  reply: { kind: 'email', tags: [] },
  keep_promise: { kind: 'email', tags: [] }, // heroics is earned by meeting the commitment in time
  reconnect: { kind: 'email', tags: ['interest'] },
  share_knowledge: { kind: 'email', tags: ['knowledge'] },
  surprise: { kind: 'surprise', tags: ['surprise'] },
  compliment: { kind: 'email', tags: ['compliment'] },
  check_in: { kind: 'email', tags: ['interest'] },
  follow_interest: { kind: 'email', tags: ['interest'] },
};

export interface CompleteOptions {
  note?: string;
  kind?: InteractionKind;
  detectTags?: (text: string) => BehaviorTag[];
}

/**
 * Marks a suggestion done and logs the interaction that did it, tagged with the suggestion's
 * behaviour, so that what Rapport measures moves at once: a reply is filed in the waiting
 * thread (ending the wait), a kept promise completes its commitment (heroics when in time),
 * shared knowledge is recorded so it is not proposed again, a surprise is logged as one.
 * @throws not_found, conflict (already done or dismissed)
 */
export async function completeSuggestion(
  db: Kysely<Database>,
  ws: Workspace,
  id: string,
  now: number,
  options: CompleteOptions = {},
): Promise<Suggestion & { interaction: Interaction }> {
  const row = await findActiveRowOrThrow(db, ws, id);
  const kind = row.kind as SuggestionKind;
  const as = DONE_AS[kind];
  const interactionKind = options.kind ?? as.kind;
  // Done reports what was already done: dated just before `now`, it counts in metrics as of
  // `now` (which take what happened before now), so waits and health move at once.
  const at = now - 1;
  const [, first, second] = row.cause.split(':');
  const reply = kind === 'reply' && interactionKind === 'email' && first ? await findReplyTarget(db, ws.id, first, at) : null;
  const interaction = await logInteraction(
    db,
    ws,
    { kind: interactionKind, contact_ids: [row.contact_id], at, direction: 'out', text: options.note ?? row.draft ?? row.reason, behaviors: as.tags },
    now,
    { detectTags: options.detectTags, reply },
  );
  if (kind === 'keep_promise' && first) {
    const [{ completeCommitment }, { refreshContactHealth }] = await Promise.all([import('../commitments/commitments.service.js'), import('../health/health.service.js')]);
    await completeCommitment(db, ws, first, now, { interactionId: interaction.id }).catch((e: unknown) => {
      // Already completed by hand: the suggestion is still done.
      if (!(e instanceof ConflictError)) throw e;
    });
    // A promise kept in time tags the interaction with heroics, which moves the care factor.
    await refreshContactHealth(db, ws, [row.contact_id], now);
  }
  if (kind === 'share_knowledge' && second) {
    const { shareKnowledge } = await import('../knowledge/knowledge.service.js');
    await shareKnowledge(db, ws, second, row.contact_id, now, interaction.id);
  }
  await updateSuggestionRow(db, ws.id, id, { status: 'done', snoozed_until: null, updated_at: now });
  const done = await findSuggestionOrThrow(db, ws, id, now);
  return { ...done, interaction: (await refreshed(db, ws, interaction)) ?? interaction };
}

/** The interaction as stored after the commitment rule may have tagged it. */
async function refreshed(db: Kysely<Database>, ws: Workspace, interaction: Interaction): Promise<Interaction | undefined> {
  const { listTimeline } = await import('../interactions/interactions.service.js');
  const [contactId] = interaction.contact_ids;
  if (!contactId) return undefined;
  return (await listTimeline(db, ws, contactId, 5)).find((i) => i.id === interaction.id);
}
