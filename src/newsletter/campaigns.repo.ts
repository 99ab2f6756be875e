/** Every query on campaigns and on who a campaign goes to. Row types stay in here. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { NewsletterCampaignsTable } from './newsletter.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type CampaignRow = NewsletterCampaignsTable;

export function insertCampaignRow(db: Db, row: CampaignRow) {
  return db.insertInto('newsletter_campaigns').values(row).execute();
}

export function findCampaignRow(db: Db, workspaceId: string, id: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('newsletter_campaigns').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** One page of campaigns, newest first (ids sort by creation time). */
export function listCampaignRows(db: Db, workspaceId: string, page: { beforeId?: string; limit: number }): Promise<CampaignRow[]> {
  let q = db.selectFrom('newsletter_campaigns').selectAll().where('workspace_id', '=', workspaceId);
  if (page.beforeId) q = q.where('id', '<', page.beforeId);
  return q.orderBy('id', 'desc').limit(page.limit).execute();
}

export async function countCampaignRows(db: Db, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('newsletter_campaigns').select((eb) => eb.fn.countAll<number | string>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The ledger rows of a campaign whose outcome is unknown, by address (read only: the sender owns the writes). */
export function listUncertainSendRows(db: Db, workspaceId: string, campaignId: string) {
  return db
    .selectFrom('newsletter_sends')
    .select(['subscriber_id', 'email', 'error', 'claimed_at'])
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'uncertain')
    .orderBy('email')
    .execute();
}

export function updateCampaignRow(db: Db, workspaceId: string, id: string, values: Partial<CampaignRow>) {
  return db.updateTable('newsletter_campaigns').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Updates the campaign only while it is still in status `from` (and at `scheduledAt`, when
 * given): a change that lost a race to another one changes nothing. Returns whether it did.
 */
export async function updateCampaignRowIf(db: Db, workspaceId: string, id: string, from: { status: CampaignRow['status']; scheduledAt?: number | null }, values: Partial<CampaignRow>): Promise<boolean> {
  let q = db.updateTable('newsletter_campaigns').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '=', from.status);
  if (from.scheduledAt !== undefined && from.scheduledAt !== null) q = q.where('scheduled_at', '=', from.scheduledAt);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Scheduled campaigns whose time has come, for the job that starts them. */
export function listDueCampaignRows(db: Db, now: number): Promise<CampaignRow[]> {
  return db.selectFrom('newsletter_campaigns').selectAll().where('status', '=', 'scheduled').where('scheduled_at', '<=', now).orderBy('scheduled_at').execute();
}

export interface RecipientRow {
  id: string;
  email: string;
  name: string | null;
  contact_id: string | null;
}

/** Confirmed subscribers of a list whose address is not suppressed. */
export function listConfirmedRecipients(db: Db, workspaceId: string, listId: string): Promise<RecipientRow[]> {
  return db
    .selectFrom('newsletter_subscribers as s')
    .select(['s.id', 's.email', 's.name', 's.contact_id'])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.list_id', '=', listId)
    .where('s.status', '=', 'confirmed')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('newsletter_suppressions as x').select('x.email').whereRef('x.workspace_id', '=', 's.workspace_id').whereRef('x.email', '=', 's.email'))),
    )
    .orderBy('s.id')
    .execute();
}

export interface ContactFacts {
  id: string;
  name: string;
  kind: string;
  tags: string;
  company: string | null;
  stage: string | null;
  status: string | null;
}

/** What segments and merge fields read of the given contacts. */
export async function findContactFacts(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, ContactFacts>> {
  const found = new Map<string, ContactFacts>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('contacts as c')
      .leftJoin('companies as co', (j) => j.onRef('co.workspace_id', '=', 'c.workspace_id').onRef('co.id', '=', 'c.company_id'))
      .leftJoin('contact_health as h', (j) => j.onRef('h.workspace_id', '=', 'c.workspace_id').onRef('h.contact_id', '=', 'c.id'))
      .select(['c.id', 'c.name', 'c.kind', 'c.tags', 'co.name as company', 'h.stage', 'h.status'])
      .where('c.workspace_id', '=', workspaceId)
      .where('c.id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) found.set(r.id, r);
  }
  return found;
}

/** Subscribers who opened or clicked any campaign since `since`. */
export async function findEngagedSubscribers(db: Db, workspaceId: string, since: number): Promise<Set<string>> {
  const rows = await db
    .selectFrom('newsletter_events')
    .select('subscriber_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('kind', 'in', ['open', 'click'])
    .where('at', '>=', since)
    .execute();
  return new Set(rows.map((r) => r.subscriber_id));
}
