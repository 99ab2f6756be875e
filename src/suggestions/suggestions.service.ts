/**
 * Today (SPEC §6): runs the pure engine over the loaded data, stores its result keyed by
 * cause (so done and dismissed causes keep their status and never return), and serves the
 * ranked open list. The engine runs for the whole minute of `now` and only when the data
 * stamp or the minute changed, so repeated reads (CLI, API, web) cost two indexed queries.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { findReplyTarget } from '../interactions/replies.js';
import type { BehaviorTag, Interaction, InteractionKind, Tag } from '../interactions/interactions.schema.js';
import { toIso } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { emitEvents, subscribedEvents } from '../webhooks/webhooks.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { suggest } from './engine.js';
import { loadEngineInput, type SuggestionDeps } from './suggestions.input.js';
import {
  deleteSuggestionRows,
  findRun,
  findSuggestionListRow,
  insertSuggestionRows,
  listOpenSuggestionRows,
  listSuggestionListRowsIn,
  listSuggestionRows,
  readStamp,
  saveRun,
  updateSuggestionRow,
  type SuggestionListRow,
  type SuggestionRow,
} from './suggestions.repo.js';
import { TodayQuerySchema, type Suggestion, type SuggestionBehavior, type SuggestionKind, type SuggestionStatus, type TodayQuery } from './suggestions.schema.js';

export type { SuggestionDeps } from './suggestions.input.js';

const MINUTE_MS = 60_000;
/**
 * A stored run is reused while the data is unchanged and it is at most this old, so a clock
 * that moves (CLI without --now, the web app) does not rerun the engine on every read.
 * Going back in time always reruns.
 */
const REUSE_MS = 10 * MINUTE_MS;

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
 * Runs the engine for `now` and stores the result: new causes are added, open ones updated,
 * done and dismissed ones left alone, and open ones whose cause is gone removed.
 */
export async function refreshSuggestions(db: Kysely<Database>, ws: Workspace, now: number, deps: SuggestionDeps) {
  const engineNow = now - (now % MINUTE_MS);
  const stamp = await readStamp(db, ws.id);
  const drafts = suggest(await loadEngineInput(db, ws, engineNow, deps), engineNow);
  const existing = new Map((await listSuggestionRows(db, ws.id)).map((r) => [r.cause, r]));
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
  const gone = [...existing.values()].filter((r) => (r.status === 'open' || r.status === 'snoozed') && !live.has(r.cause)).map((r) => r.id);
  await db.transaction().execute(async (trx) => {
    await insertSuggestionRows(trx, inserts);
    for (const u of updates) await updateSuggestionRow(trx, ws.id, u.id, u.values);
    await deleteSuggestionRows(trx, ws.id, gone);
    await saveRun(trx, ws.id, engineNow, stamp, now);
    if (inserts.length > 0 && (await subscribedEvents(trx, ws.id)).has('suggestion.created')) {
      const created = await listSuggestionListRowsIn(trx, ws.id, inserts.map((r) => r.id));
      await emitEvents(trx, ws.id, created.map((r) => ({ type: 'suggestion.created' as const, data: suggestionRowToSuggestion(r, now) })), now);
    }
  });
  return { suggestions: drafts.length, added: inserts.length, updated: updates.length, removed: gone.length };
}

/** Recomputes only when the data or the minute changed since the last run. */
export async function ensureSuggestionsFresh(db: Kysely<Database>, ws: Workspace, now: number, deps: () => Promise<SuggestionDeps>): Promise<boolean> {
  const engineNow = now - (now % MINUTE_MS);
  const [run, stamp] = await Promise.all([findRun(db, ws.id), readStamp(db, ws.id)]);
  const age = engineNow - Number(run?.engine_now);
  if (run && run.stamp === stamp && age >= 0 && age < REUSE_MS) return false;
  await refreshSuggestions(db, ws, now, await deps());
  return true;
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
