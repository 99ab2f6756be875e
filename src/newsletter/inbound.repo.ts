/**
 * Queries of inbound newsletter mail (bounces, complaints, replies) and of the public pages'
 * events. Every query is keyed by workspace: the caller has already established which one.
 * Suppression itself is subscribers.repo.ts's (insertSuppressionRow, markAddressOnAllLists).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import type { NewsletterEventKind } from './newsletter.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SendRef {
  subscriber_id: string;
  email: string;
  campaign_id: string | null;
  message_id: string;
}

/** Ids per query: References of a long thread hold dozens of ids per message, and SQLite caps parameters. */
const ID_CHUNK = 1000;

/** Whether the workspace ever sent newsletter mail (else no inbound mail can match a send). */
export async function hasAnySends(db: Db, workspaceId: string): Promise<boolean> {
  const campaign = await db.selectFrom('newsletter_sends').select('workspace_id').where('workspace_id', '=', workspaceId).where('message_id', 'is not', null).limit(1).executeTakeFirst();
  if (campaign) return true;
  return !!(await db.selectFrom('newsletter_drip_sends').select('workspace_id').where('workspace_id', '=', workspaceId).where('message_id', 'is not', null).limit(1).executeTakeFirst());
}

/** Campaign and drip sends whose Message-ID is one of `ids` (give both bracket forms). */
export async function findSendsByMessageIds(db: Db, workspaceId: string, ids: string[]): Promise<SendRef[]> {
  const found: SendRef[] = [];
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const campaign = await db
      .selectFrom('newsletter_sends')
      .select(['subscriber_id', 'email', 'campaign_id', 'message_id'])
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', chunk)
      .execute();
    const drip = await db
      .selectFrom('newsletter_drip_sends')
      .select(['subscriber_id', 'email', 'message_id'])
      .where('workspace_id', '=', workspaceId)
      .where('message_id', 'in', chunk)
      .execute();
    found.push(
      ...campaign.map((r) => ({ ...r, message_id: r.message_id! })),
      ...drip.map((r) => ({ subscriber_id: r.subscriber_id, email: r.email, campaign_id: null, message_id: r.message_id! })),
    );
  }
  return found;
}

export async function insertEvent(
  db: Db,
  workspaceId: string,
  event: { subscriber_id: string; campaign_id: string | null; kind: NewsletterEventKind; url?: string | null; detail?: string | null },
  now: number,
): Promise<void> {
  await db
    .insertInto('newsletter_events')
    .values({ workspace_id: workspaceId, id: newId('ne'), subscriber_id: event.subscriber_id, campaign_id: event.campaign_id, kind: event.kind, url: event.url ?? null, detail: event.detail ?? null, at: now })
    .execute();
}

export async function hasEvent(db: Db, workspaceId: string, subscriberId: string, kind: NewsletterEventKind, detailPrefix: string): Promise<boolean> {
  const rows = await db
    .selectFrom('newsletter_events')
    .select('detail')
    .where('workspace_id', '=', workspaceId)
    .where('subscriber_id', '=', subscriberId)
    .where('kind', '=', kind)
    .execute();
  return rows.some((r) => r.detail?.startsWith(detailPrefix));
}

/** One more soft bounce in a row; returns the new count. */
export async function countSoftBounce(db: Db, workspaceId: string, subscriberId: string): Promise<number> {
  await db
    .updateTable('newsletter_subscribers')
    .set((eb) => ({ soft_bounces: eb('soft_bounces', '+', 1) }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', subscriberId)
    .execute();
  const row = await db.selectFrom('newsletter_subscribers').select('soft_bounces').where('workspace_id', '=', workspaceId).where('id', '=', subscriberId).executeTakeFirst();
  return row?.soft_bounces ?? 0;
}

/** Proof of delivery (an open, a click) ends a run of soft bounces. */
export async function resetSoftBounces(db: Db, workspaceId: string, subscriberId: string): Promise<void> {
  await db
    .updateTable('newsletter_subscribers')
    .set({ soft_bounces: 0 })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', subscriberId)
    .where('soft_bounces', '>', 0)
    .execute();
}

/** Stops the subscriber's running drips (they replied). */
export async function stopDripsOf(db: Db, workspaceId: string, subscriberId: string, reason: 'replied', now: number): Promise<void> {
  await db
    .updateTable('newsletter_drip_enrollments')
    .set({ stopped_at: now, stop_reason: reason })
    .where('workspace_id', '=', workspaceId)
    .where('subscriber_id', '=', subscriberId)
    .where('stopped_at', 'is', null)
    .execute();
}
