/**
 * Every query of drip sequences: drips and their steps, enrollments, the stop signals and the
 * drip ledger (claimed before the SMTP call, marked after). Row types stay in here.
 */
import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { NewsletterDripSendsTable, NewsletterDripStepsTable, NewsletterDripsTable } from './newsletter.table.js';

type Db = Kysely<Database> | Transaction<Database>;
export type DripRow = NewsletterDripsTable;
export type DripStepRow = NewsletterDripStepsTable;
export type DripSendRow = NewsletterDripSendsTable;

export function insertDripRow(db: Db, row: DripRow) {
  return db.insertInto('newsletter_drips').values(row).execute();
}

export function findDripRow(db: Db, workspaceId: string, ref: string): Promise<DripRow | undefined> {
  return db
    .selectFrom('newsletter_drips')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    // An id wins over a name that happens to look like one.
    .orderBy(sql`case when id = ${ref} then 0 else 1 end`)
    .orderBy('id')
    .executeTakeFirst();
}

export function listActiveDrips(db: Db, workspaceId: string): Promise<DripRow[]> {
  return db.selectFrom('newsletter_drips').selectAll().where('workspace_id', '=', workspaceId).where('is_active', '=', 1).orderBy('id').execute();
}

export function listDripRows(db: Db, workspaceId: string): Promise<(DripRow & { list_name: string })[]> {
  return db
    .selectFrom('newsletter_drips as d')
    .innerJoin('newsletter_lists as l', (j) => j.onRef('l.workspace_id', '=', 'd.workspace_id').onRef('l.id', '=', 'd.list_id'))
    .selectAll('d')
    .select('l.name as list_name')
    .where('d.workspace_id', '=', workspaceId)
    .orderBy('l.name')
    .orderBy('d.name')
    .execute();
}

export function touchDripRow(db: Db, workspaceId: string, id: string, now: number) {
  return db.updateTable('newsletter_drips').set({ updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export function listStepRows(db: Db, workspaceId: string, dripIds: readonly string[]): Promise<DripStepRow[]> {
  if (dripIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('newsletter_drip_steps')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('drip_id', 'in', dripIds)
    .orderBy('drip_id')
    .orderBy('position')
    .execute();
}

export function insertStepRow(db: Db, row: DripStepRow) {
  return db.insertInto('newsletter_drip_steps').values(row).execute();
}

export async function countEnrollments(db: Db, workspaceId: string) {
  const enrolled = await db
    .selectFrom('newsletter_drip_enrollments')
    .select(['drip_id', (eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(case when stopped_at is null then 1 else 0 end)`.as('active')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('drip_id')
    .execute();
  const sent = await db
    .selectFrom('newsletter_drip_sends')
    .select(['drip_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'sent')
    .groupBy('drip_id')
    .execute();
  return { enrolled, sent };
}

/**
 * Enrolls the list's confirmed subscribers who confirmed at or after the drip was created and
 * are not enrolled yet, starting at their confirmation. Safe to run again and from two
 * runners at once: the enrollment's key makes the second insert a no-op.
 */
export async function enrollNewSubscribers(db: Db, drip: DripRow): Promise<number> {
  const result = await db
    .insertInto('newsletter_drip_enrollments')
    .columns(['workspace_id', 'drip_id', 'subscriber_id', 'started_at', 'stopped_at', 'stop_reason'])
    .expression((eb) =>
      eb
        .selectFrom('newsletter_subscribers as s')
        .select([
          's.workspace_id',
          sql.lit(drip.id).as('drip_id'),
          's.id',
          sql<number>`s.confirmed_at`.as('started_at'),
          sql<null>`null`.as('stopped_at'),
          sql<null>`null`.as('stop_reason'),
        ])
        .where('s.workspace_id', '=', drip.workspace_id)
        .where('s.list_id', '=', drip.list_id)
        .where('s.status', '=', 'confirmed')
        .where('s.confirmed_at', '>=', drip.created_at)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('newsletter_drip_enrollments as e')
                .select('e.subscriber_id')
                .whereRef('e.workspace_id', '=', 's.workspace_id')
                .where('e.drip_id', '=', drip.id)
                .whereRef('e.subscriber_id', '=', 's.id'),
            ),
          ),
        ),
    )
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

export interface ActiveEnrollmentRow {
  subscriber_id: string;
  started_at: number;
  email: string;
  name: string | null;
  status: string;
  contact_id: string | null;
  client_since: number | null;
}

/** The drip's running enrollments with their subscriber and contact (linked, else by address). */
export function listActiveEnrollments(db: Db, drip: DripRow): Promise<ActiveEnrollmentRow[]> {
  return db
    .selectFrom('newsletter_drip_enrollments as e')
    .innerJoin('newsletter_subscribers as s', (j) => j.onRef('s.workspace_id', '=', 'e.workspace_id').onRef('s.id', '=', 'e.subscriber_id'))
    .leftJoin('contact_emails as ce', (j) => j.onRef('ce.workspace_id', '=', 's.workspace_id').onRef('ce.email', '=', 's.email'))
    .leftJoin('contacts as c', (j) => j.onRef('c.workspace_id', '=', 's.workspace_id').on(sql<SqlBool>`c.id = coalesce(s.contact_id, ce.contact_id)`))
    .select(['e.subscriber_id', 'e.started_at', 's.email', 's.name', 's.status', sql<string | null>`coalesce(s.contact_id, ce.contact_id)`.as('contact_id'), 'c.client_since'])
    .where('e.workspace_id', '=', drip.workspace_id)
    .where('e.drip_id', '=', drip.id)
    .where('e.stopped_at', 'is', null)
    .orderBy('e.subscriber_id')
    .execute() as Promise<ActiveEnrollmentRow[]>;
}

/**
 * The first reply since `since` of each of the subscribers: a reply event, or inbound email
 * or message (not automated) their contact wrote. Newsletter mail is never a reply.
 */
export async function listFirstRepliesSince(db: Db, workspaceId: string, subscribers: readonly { subscriber_id: string; contact_id: string | null; started_at: number }[]) {
  const out = new Map<string, number>();
  const keep = (id: string, at: number) => out.set(id, Math.min(out.get(id) ?? at, at));
  for (let i = 0; i < subscribers.length; i += 500) {
    const chunk = subscribers.slice(i, i + 500);
    const events = await db
      .selectFrom('newsletter_events')
      .select(['subscriber_id', 'at'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'reply')
      .where('subscriber_id', 'in', chunk.map((s) => s.subscriber_id))
      .execute();
    const since = new Map(chunk.map((s) => [s.subscriber_id, s.started_at]));
    for (const e of events) if (e.at >= (since.get(e.subscriber_id) ?? Infinity)) keep(e.subscriber_id, Number(e.at));
    const contacts = [...new Set(chunk.flatMap((s) => (s.contact_id === null ? [] : [s.contact_id])))];
    if (contacts.length === 0) continue;
    const earliest = Math.min(...chunk.map((s) => s.started_at));
    const inbound = await db
      .selectFrom('interaction_contacts as p')
      .innerJoin('interactions as i', (j) => j.onRef('i.workspace_id', '=', 'p.workspace_id').onRef('i.id', '=', 'p.interaction_id'))
      .select(['p.contact_id', 'i.occurred_at'])
      .where('p.workspace_id', '=', workspaceId)
      .where('p.contact_id', 'in', contacts)
      .where('p.role', 'not in', ['to', 'cc', 'bcc'])
      .where('i.direction', '=', 'in')
      .where('i.automated', '=', 0)
      .where('i.kind', 'in', ['email', 'message'])
      .where('i.occurred_at', '>=', earliest)
      .execute();
    for (const s of chunk) {
      for (const m of inbound) if (m.contact_id === s.contact_id && m.occurred_at >= s.started_at) keep(s.subscriber_id, Number(m.occurred_at));
    }
  }
  return out;
}

export function listDripSendRows(db: Db, workspaceId: string, dripId: string): Promise<DripSendRow[]> {
  return db.selectFrom('newsletter_drip_sends').selectAll().where('workspace_id', '=', workspaceId).where('drip_id', '=', dripId).execute();
}

export function stopEnrollment(db: Db, workspaceId: string, dripId: string, subscriberId: string, reason: 'replied' | 'client' | 'unsubscribed' | 'finished', now: number) {
  return db
    .updateTable('newsletter_drip_enrollments')
    .set({ stopped_at: now, stop_reason: reason })
    .where('workspace_id', '=', workspaceId)
    .where('drip_id', '=', dripId)
    .where('subscriber_id', '=', subscriberId)
    .where('stopped_at', 'is', null)
    .execute();
}

/**
 * Claims a step for one subscriber: a new ledger row, or a pending row whose retry is due.
 * True only for the runner whose write took it; the row's key makes a second claim a no-op.
 */
export async function claimDripSend(db: Db, row: Pick<DripSendRow, 'workspace_id' | 'drip_id' | 'position' | 'subscriber_id' | 'email'>, runner: string, now: number, retry: boolean): Promise<boolean> {
  if (retry) {
    const r = await db
      .updateTable('newsletter_drip_sends')
      .set((eb) => ({ status: 'claimed', claimed_by: runner, claimed_at: now, attempts: eb('attempts', '+', 1) }))
      .where('workspace_id', '=', row.workspace_id)
      .where('drip_id', '=', row.drip_id)
      .where('position', '=', row.position)
      .where('subscriber_id', '=', row.subscriber_id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  const r = await db
    .insertInto('newsletter_drip_sends')
    .values({ ...row, status: 'claimed', claimed_by: runner, claimed_at: now, attempts: 1, next_attempt_at: null, message_id: null, sent_at: null, error: null })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Records the outcome of a claimed row; only the runner holding the claim may. */
export function finishDripSend(
  db: Db,
  key: Pick<DripSendRow, 'workspace_id' | 'drip_id' | 'position' | 'subscriber_id'>,
  runner: string,
  values: Pick<DripSendRow, 'status'> & Partial<Pick<DripSendRow, 'message_id' | 'sent_at' | 'error' | 'next_attempt_at'>>,
) {
  return db
    .updateTable('newsletter_drip_sends')
    .set(values)
    .where('workspace_id', '=', key.workspace_id)
    .where('drip_id', '=', key.drip_id)
    .where('position', '=', key.position)
    .where('subscriber_id', '=', key.subscriber_id)
    .where('status', '=', 'claimed')
    .where('claimed_by', '=', runner)
    .execute();
}

/**
 * Claims older than `before` belong to a runner that died between claiming and marking: the
 * mail may have gone out, so they become `uncertain` and are never sent again by themselves.
 */
export async function expireStaleDripClaims(db: Db, workspaceId: string, before: number): Promise<number> {
  const r = await db
    .updateTable('newsletter_drip_sends')
    .set({ status: 'uncertain', error: 'the runner stopped after claiming this message; it may have been sent' })
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'claimed')
    .where('claimed_at', '<', before)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
