/**
 * Today's plan: the day's short list, chosen once a day by `selectPlan` and stored, so that
 * working through it does not reshuffle it. Items leave the plan when they are done, snoozed
 * or dismissed (and return if that is undone); owed items that appear later in the day join
 * at the top, marked new. The full ranked list stays available through `listToday`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { OWED, selectNewOwed, selectPlan, type PlanCandidate } from './plan.js';
import { countOpenSuggestionRows, deletePlansNotOn, findPlanRow, insertPlanItemRows, insertPlanRow, listPlanCandidateRows, listPlanItemRows, type PlanItemRow, type PlanRow } from './plan.repo.js';
import { listSuggestionListRowsIn } from './suggestions.repo.js';
import type { Suggestion } from './suggestions.schema.js';
import { ensureSuggestionsFresh, suggestionRowToSuggestion, type SuggestionDeps } from './suggestions.service.js';
import { localIsoDate } from './words.js';

export interface TodayPlan {
  /** The plan's open items, new ones first, then in the plan's order. */
  items: Suggestion[];
  /** Every open suggestion (in the plan or not): what "show all" would list. */
  total: number;
}

/**
 * Today's plan for `now`'s local day, made on the first read of the day and kept after.
 * `owner_id` gives a member's own plan (their contacts and unowned ones).
 */
export async function getTodayPlan(
  db: Kysely<Database>,
  ws: Workspace,
  now: number,
  query: { owner_id?: string; limit?: number },
  deps: () => Promise<SuggestionDeps>,
): Promise<TodayPlan> {
  await ensureSuggestionsFresh(db, ws, now, deps);
  const day = localIsoDate(now, ws.settings.time_zone);
  const scope = query.owner_id ?? '';
  // A made plan needs only the owed items that came after it and the count, not every candidate.
  const plan = await findPlanRow(db, ws.id, day, scope);
  const only = plan ? { kinds: [...OWED], createdAfter: plan.created_at } : undefined;
  const [candidates, total] = await Promise.all([
    listPlanCandidateRows(db, ws.id, now, query.owner_id, only) as Promise<PlanCandidate[]>,
    plan ? countOpenSuggestionRows(db, ws.id, now, query.owner_id) : undefined,
  ]);
  const items = await planItems(db, ws, now, day, scope, plan, candidates);
  const inPlan = new Map((await listSuggestionListRowsIn(db, ws.id, items.map((i) => i.suggestion_id))).map((r) => [r.id, r]));
  const open = (id: string) => {
    const r = inPlan.get(id);
    return r !== undefined && (r.status === 'open' || (r.status === 'snoozed' && r.snoozed_until !== null && Number(r.snoozed_until) <= now));
  };
  const shown = items.filter((i) => open(i.suggestion_id)).slice(0, query.limit ?? Number.POSITIVE_INFINITY);
  const rows = inPlan;
  const present = (item: PlanItemRow): Suggestion[] => {
    const row = rows.get(item.suggestion_id);
    if (!row) return [];
    const s: Suggestion = { ...suggestionRowToSuggestion(row, now), why: item.why };
    if (item.is_new) s.new = true;
    return [s];
  };
  return { items: shown.flatMap(present), total: total ?? candidates.length };
}

/** The stored items of the day's plan, making the plan or adding new owed items as needed. */
async function planItems(
  db: Kysely<Database>,
  ws: Workspace,
  now: number,
  day: string,
  scope: string,
  plan: PlanRow | undefined,
  candidates: PlanCandidate[],
): Promise<PlanItemRow[]> {
  if (!plan) {
    const size = ws.settings.today_plan_size;
    const row: PlanRow = { workspace_id: ws.id, day, scope, size, created_at: now };
    const picks = selectPlan(candidates, size);
    await db.transaction().execute(async (trx) => {
      await deletePlansNotOn(trx, ws.id, day);
      // Two first reads of the day may race: the first plan stored is the day's plan.
      if (!(await insertPlanRow(trx, row))) return;
      await insertPlanItemRows(trx, picks.map((p, i) => ({ workspace_id: ws.id, day, scope, suggestion_id: p.id, position: i, why: p.why, is_new: 0, added_at: now })));
    });
    return listPlanItemRows(db, ws.id, day, scope);
  }
  const items = await listPlanItemRows(db, ws.id, day, scope);
  const added = items.filter((i) => i.is_new).length;
  const fresh = selectNewOwed(candidates, new Set(items.map((i) => i.suggestion_id)), plan.created_at, plan.size - added);
  if (fresh.length === 0) return items;
  const top = Math.min(0, ...items.map((i) => i.position));
  // The newest lead: each batch goes above the previous one, best first within the batch.
  await insertPlanItemRows(db, fresh.map((p, i) => ({ workspace_id: ws.id, day, scope, suggestion_id: p.id, position: top - fresh.length + i, why: p.why, is_new: 1, added_at: now })));
  return listPlanItemRows(db, ws.id, day, scope);
}

/** The number of open suggestions (in the plan or not), after bringing them up to date. */
export async function countOpenSuggestions(db: Kysely<Database>, ws: Workspace, now: number, ownerId: string | undefined): Promise<number> {
  return countOpenSuggestionRows(db, ws.id, now, ownerId);
}
