/**
 * Drip sequences: ordered messages sent N days after a subscriber confirms, stopped when the
 * subscriber replies, becomes a client or leaves the list. Subscribers who confirm after a
 * drip is created are enrolled (by runDueDrips); those confirmed before are not, so a new
 * welcome sequence does not land on long-time readers.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { newId } from '../shared/ids.js';
import { toIso } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { parseFrontMatter } from './campaign-render.js';
import { countEnrollments, findDripRow, insertDripRow, insertStepRow, listDripRows, listStepRows, touchDripRow, type DripRow, type DripStepRow } from './drips.repo.js';
import { DripCreateSchema, DripStepCreateSchema, type Drip } from './grow.schema.js';
import { findListRowOrThrow } from './subscribers.service.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Drip ids share the look of the other newsletter ids (`nd_…`). */
function newDripId(): string {
  return `nd${newId('nl').slice(2)}`;
}

function present(row: DripRow & { list_name: string }, steps: DripStepRow[], counts: Awaited<ReturnType<typeof countEnrollments>>): Drip {
  const enrolled = counts.enrolled.find((c) => c.drip_id === row.id);
  return {
    id: row.id,
    list_id: row.list_id,
    list: row.list_name,
    name: row.name,
    active: row.is_active === 1,
    created_at: toIso(row.created_at),
    steps: steps.map((s) => ({ position: s.position, after_days: s.delay_days, subject: s.subject, body_md: s.body_md })),
    enrolled: Number(enrolled?.n ?? 0),
    active_enrollments: Number(enrolled?.active ?? 0),
    sent: Number(counts.sent.find((c) => c.drip_id === row.id)?.n ?? 0),
  };
}

/** Every drip of the workspace with its steps and counts, by list then name. */
export async function listDrips(db: Db, ws: Workspace): Promise<Drip[]> {
  const rows = await listDripRows(db, ws.id);
  const [steps, counts] = await Promise.all([listStepRows(db, ws.id, rows.map((r) => r.id)), countEnrollments(db, ws.id)]);
  return rows.map((r) => present(r, steps.filter((s) => s.drip_id === r.id), counts));
}

/**
 * A drip by id or name.
 * @throws not_found
 */
export async function findDripOrThrow(db: Db, ws: Workspace, ref: string): Promise<Drip> {
  const row = await findDripRow(db, ws.id, ref);
  if (!row) throw new NotFoundError('drip', ref);
  const drip = (await listDrips(db, ws)).find((d) => d.id === row.id);
  if (!drip) throw new NotFoundError('drip', ref);
  return drip;
}

/**
 * Creates an empty drip on a list; subscribers who confirm from now on are enrolled.
 * @throws validation, not_found (list), conflict (a drip of that name on the list)
 */
export async function createDrip(db: Db, ws: Workspace, input: { list: string; name: string }, now: number): Promise<Drip> {
  const data = parseOrThrow(DripCreateSchema, input, 'drip');
  const list = await findListRowOrThrow(db, ws, data.list);
  const taken = (await listDripRows(db, ws.id)).some((d) => d.list_id === list.id && d.name === data.name);
  if (taken) throw new ConflictError(`the list "${list.name}" already has a drip named "${data.name}"`);
  const row: DripRow = { workspace_id: ws.id, id: newDripId(), list_id: list.id, name: data.name, is_active: 1, created_at: now, updated_at: now };
  await insertDripRow(db, row);
  return findDripOrThrow(db, ws, row.id);
}

/**
 * Appends a step sent `after_days` days after the subscriber confirmed. The Markdown carries
 * its subject (and preheader) in front matter, like a campaign. Steps go out in order, so a
 * step may not come earlier than the one before it.
 * @throws validation (front matter, merge fields, order of days), not_found (drip)
 */
export async function addDripStep(db: Db, ws: Workspace, dripRef: string, input: { after_days: number; markdown: string }, now: number): Promise<Drip> {
  const data = parseOrThrow(DripStepCreateSchema, input, 'step');
  const drip = await findDripOrThrow(db, ws, dripRef);
  const parsed = parseFrontMatter(data.markdown, 'step');
  const last = drip.steps.at(-1);
  if (last && data.after_days < last.after_days) {
    throw new ValidationError(`step: --after ${data.after_days} comes before the previous step (day ${last.after_days}); steps go out in order`, [
      { where: 'after_days', reason: `must be at least ${last.after_days}` },
    ]);
  }
  const position = (last?.position ?? 0) + 1;
  try {
    await insertStepRow(db, { workspace_id: ws.id, drip_id: drip.id, position, delay_days: data.after_days, subject: parsed.subject, body_md: data.markdown });
  } catch (error) {
    // Two steps added at once to the same drip: the position's key lets one through.
    throw new ConflictError(`another step was added to "${drip.name}" at the same time; try again (${(error as Error).message.slice(0, 80)})`);
  }
  await touchDripRow(db, ws.id, drip.id, now);
  return findDripOrThrow(db, ws, drip.id);
}
