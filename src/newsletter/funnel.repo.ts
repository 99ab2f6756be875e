/**
 * The funnel's queries: subscribers with their contact's client_since, their opens and
 * clicks, their replies (reply events, and inbound mail or messages their contact wrote after
 * subscribing) and the issues sent to them. Row types stay in here.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { FunnelSubscriber, SubscriberMoment } from './funnel.js';

type Db = Kysely<Database>;

/** Subscribers who confirmed (an unconfirmed address never received an issue), optionally of one list. */
function subscribed(db: Db, workspaceId: string, listId: string | null) {
  let q = db
    .selectFrom('newsletter_subscribers as s')
    .where('s.workspace_id', '=', workspaceId)
    .where('s.status', '!=', 'unconfirmed');
  if (listId !== null) q = q.where('s.list_id', '=', listId);
  return q;
}

export function listFunnelLists(db: Db, workspaceId: string, listId: string | null) {
  let q = db.selectFrom('newsletter_lists').select(['id', 'name']).where('workspace_id', '=', workspaceId);
  if (listId !== null) q = q.where('id', '=', listId);
  return q.execute();
}

/**
 * A subscriber's contact is the one it was linked to, else the contact owning its address:
 * an address subscribed before the contact existed still counts when they reply or buy.
 */
function withContact(db: Db, workspaceId: string, listId: string | null) {
  return subscribed(db, workspaceId, listId)
    .leftJoin('contact_emails as ce', (j) => j.onRef('ce.workspace_id', '=', 's.workspace_id').onRef('ce.email', '=', 's.email'))
    .select(['s.id', 's.list_id', sql<number>`coalesce(s.confirmed_at, s.created_at)`.as('subscribed_at'), sql<string | null>`coalesce(s.contact_id, ce.contact_id)`.as('contact_id')]);
}

export async function listFunnelSubscribers(db: Db, workspaceId: string, listId: string | null): Promise<FunnelSubscriber[]> {
  const rows = await db
    .selectFrom(withContact(db, workspaceId, listId).as('x'))
    .leftJoin('contacts as c', (j) => j.on('c.workspace_id', '=', workspaceId).onRef('c.id', '=', 'x.contact_id'))
    .select(['x.id', 'x.list_id', 'x.subscribed_at', 'c.client_since'])
    .execute();
  return rows.map((r) => ({ id: r.id, list_id: r.list_id, subscribed_at: Number(r.subscribed_at), client_since: r.client_since === null ? null : Number(r.client_since) }));
}

/** The latest open or click of each subscriber since `since`: one moment is enough to be engaged. */
export async function listLatestEngagement(db: Db, workspaceId: string, listId: string | null, since: number): Promise<SubscriberMoment[]> {
  const rows = await subscribed(db, workspaceId, listId)
    .innerJoin('newsletter_events as e', (j) => j.onRef('e.workspace_id', '=', 's.workspace_id').onRef('e.subscriber_id', '=', 's.id'))
    .where('e.kind', 'in', ['open', 'click'])
    .where('e.at', '>=', since)
    .select(['s.id as subscriber_id', (eb) => eb.fn.max('e.at').as('at')])
    .groupBy('s.id')
    .execute();
  return rows.map((r) => ({ subscriber_id: r.subscriber_id, at: Number(r.at) }));
}

/**
 * The first reply of each subscriber since subscribing: a reply event, or inbound email or
 * message their contact sent (not automated). Newsletter mail itself is never a reply.
 */
export async function listFirstReplies(db: Db, workspaceId: string, listId: string | null): Promise<SubscriberMoment[]> {
  const events = await subscribed(db, workspaceId, listId)
    .innerJoin('newsletter_events as e', (j) => j.onRef('e.workspace_id', '=', 's.workspace_id').onRef('e.subscriber_id', '=', 's.id'))
    .where('e.kind', '=', 'reply')
    .where(sql<boolean>`e.at >= coalesce(s.confirmed_at, s.created_at)`)
    .select(['s.id as subscriber_id', (eb) => eb.fn.min('e.at').as('at')])
    .groupBy('s.id')
    .execute();
  const inbound = await db
    .selectFrom(withContact(db, workspaceId, listId).as('x'))
    .innerJoin('interaction_contacts as p', (j) => j.on('p.workspace_id', '=', workspaceId).onRef('p.contact_id', '=', 'x.contact_id'))
    .innerJoin('interactions as i', (j) => j.onRef('i.workspace_id', '=', 'p.workspace_id').onRef('i.id', '=', 'p.interaction_id'))
    .where('p.role', 'not in', ['to', 'cc', 'bcc'])
    .where('i.direction', '=', 'in')
    .where('i.automated', '=', 0)
    .where('i.kind', 'in', ['email', 'message'])
    .whereRef('i.occurred_at', '>=', 'x.subscribed_at')
    .select(['x.id as subscriber_id', (eb) => eb.fn.min('i.occurred_at').as('at')])
    .groupBy('x.id')
    .execute();
  return [...events, ...inbound].map((r) => ({ subscriber_id: r.subscriber_id, at: Number(r.at) }));
}

/** The issues sent to the given subscribers (the ledger's sent rows), for the medians. */
export async function listIssuesSent(db: Db, workspaceId: string, subscriberIds: readonly string[]): Promise<SubscriberMoment[]> {
  const out: SubscriberMoment[] = [];
  // Chunks keep the IN list under both engines' parameter limits.
  for (let i = 0; i < subscriberIds.length; i += 500) {
    const rows = await db
      .selectFrom('newsletter_sends')
      .select(['subscriber_id', 'sent_at'])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'sent')
      .where('subscriber_id', 'in', subscriberIds.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.sent_at !== null) out.push({ subscriber_id: r.subscriber_id, at: Number(r.sent_at) });
  }
  return out;
}

