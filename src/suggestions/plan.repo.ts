/**
 * Queries of Today's stored plan: the open candidates it is chosen from, the plan of a day
 * and its items. Plans of other days are deleted when a new day's plan is made.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { TodayPlanItemsTable, TodayPlansTable } from './plan.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type PlanRow = TodayPlansTable;
export type PlanItemRow = TodayPlanItemsTable;

/** Open suggestions and snoozed ones whose time has come, optionally of one member's (or nobody's) contacts. */
export async function listPlanCandidateRows(db: Db, workspaceId: string, now: number, ownerId?: string, only?: { kinds: readonly string[]; createdAfter: number }) {
  let q = db
    .selectFrom('suggestions as s')
    .select(['s.id', 's.kind', 's.contact_id', 's.priority', 's.due_at', 's.cause', 's.created_at'])
    .where('s.workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('s.status', '=', 'open'), eb.and([eb('s.status', '=', 'snoozed'), eb('s.snoozed_until', '<=', now)])]));
  if (only) q = q.where('s.kind', 'in', only.kinds).where('s.created_at', '>', only.createdAfter);
  if (ownerId) {
    q = q
      .innerJoin('contacts as c', (j) => j.onRef('c.workspace_id', '=', 's.workspace_id').onRef('c.id', '=', 's.contact_id'))
      .where((eb) => eb.or([eb('c.owner_id', '=', ownerId), eb('c.owner_id', 'is', null)]));
  }
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, priority: Number(r.priority), due_at: Number(r.due_at), created_at: Number(r.created_at) }));
}

/**
 * How many suggestions are open (or back from a snooze): the "show all" count. Counted as two
 * questions, open and snoozed-and-due, each answered from the (workspace, status) index; as one
 * question with an OR, SQLite read every suggestion of the workspace.
 */
export async function countOpenSuggestionRows(db: Db, workspaceId: string, now: number, ownerId?: string): Promise<number> {
  const count = async (status: 'open' | 'snoozed') => {
    let q = db
      .selectFrom('suggestions as s')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('s.workspace_id', '=', workspaceId)
      .where('s.status', '=', status);
    if (status === 'snoozed') q = q.where('s.snoozed_until', '<=', now);
    if (ownerId) {
      q = q
        .innerJoin('contacts as c', (j) => j.onRef('c.workspace_id', '=', 's.workspace_id').onRef('c.id', '=', 's.contact_id'))
        .where((eb) => eb.or([eb('c.owner_id', '=', ownerId), eb('c.owner_id', 'is', null)]));
    }
    return Number((await q.executeTakeFirst())?.n ?? 0);
  };
  const [open, due] = await Promise.all([count('open'), count('snoozed')]);
  return open + due;
}

export async function findPlanRow(db: Db, workspaceId: string, day: string, scope: string): Promise<PlanRow | undefined> {
  const row = await db.selectFrom('today_plans').selectAll().where('workspace_id', '=', workspaceId).where('day', '=', day).where('scope', '=', scope).executeTakeFirst();
  return row && { ...row, created_at: Number(row.created_at) };
}

export async function listPlanItemRows(db: Db, workspaceId: string, day: string, scope: string): Promise<PlanItemRow[]> {
  const rows = await db
    .selectFrom('today_plan_items')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('day', '=', day)
    .where('scope', '=', scope)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ ...r, position: Number(r.position), is_new: Number(r.is_new), added_at: Number(r.added_at) }));
}

/**
 * Stores a new plan unless another request stored one for the same day first.
 * @returns whether this call stored it.
 */
export async function insertPlanRow(db: Db, plan: PlanRow): Promise<boolean> {
  const result = await db
    .insertInto('today_plans')
    .values(plan)
    .onConflict((oc) => oc.columns(['workspace_id', 'day', 'scope']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function insertPlanItemRows(db: Db, rows: PlanItemRow[]) {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('today_plan_items')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['workspace_id', 'day', 'scope', 'suggestion_id']).doNothing())
      .execute();
  }
}

/** Yesterday's plans are history: only the current day's are kept. */
export async function deletePlansNotOn(db: Db, workspaceId: string, day: string) {
  await db.deleteFrom('today_plan_items').where('workspace_id', '=', workspaceId).where('day', '!=', day).execute();
  await db.deleteFrom('today_plans').where('workspace_id', '=', workspaceId).where('day', '!=', day).execute();
}
