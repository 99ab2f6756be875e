/**
 * Newsletter engagement as other domains read it: clicks for Today's interest signals, opens
 * and clicks per contact for prospect warmth. A subscriber's contact is the linked one, else
 * the contact owning its address.
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../db/schema.js';
import type { NewsletterEngagement } from './engagement.js';

type Db = Kysely<Database>;

export interface ContactClick {
  contact_id: string;
  campaign_id: string | null;
  subject: string | null;
  url: string;
  at: number;
}

/** Clicks in [since, now] by subscribers who are contacts, oldest first. */
export async function listContactClicks(db: Db, workspaceId: string, since: number, now: number): Promise<ContactClick[]> {
  const rows = await db
    .selectFrom('newsletter_events as e')
    .innerJoin('newsletter_subscribers as s', (j) => j.onRef('s.workspace_id', '=', 'e.workspace_id').onRef('s.id', '=', 'e.subscriber_id'))
    .leftJoin('contact_emails as ce', (j) => j.onRef('ce.workspace_id', '=', 's.workspace_id').onRef('ce.email', '=', 's.email'))
    .leftJoin('newsletter_campaigns as c', (j) => j.onRef('c.workspace_id', '=', 'e.workspace_id').onRef('c.id', '=', 'e.campaign_id'))
    .select([sql<string | null>`coalesce(s.contact_id, ce.contact_id)`.as('contact_id'), 'e.campaign_id', 'c.subject', 'e.url', 'e.at', 'e.id'])
    .where('e.workspace_id', '=', workspaceId)
    .where('e.kind', '=', 'click')
    .where('e.at', '>=', since)
    .where('e.at', '<=', now)
    .where('e.url', 'is not', null)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
  return rows.flatMap((r) =>
    r.contact_id === null || r.url === null ? [] : [{ contact_id: r.contact_id, campaign_id: r.campaign_id, subject: r.subject ?? null, url: r.url, at: Number(r.at) }],
  );
}

/**
 * Opens (distinct issues) and clicks in [since, now] of the given contacts' subscriptions,
 * linked or by address. One query per 500 contacts; contacts without any are left out.
 */
export async function listNewsletterEngagement(db: Db, workspaceId: string, contactIds: readonly string[], since: number, now: number): Promise<Map<string, NewsletterEngagement>> {
  const out = new Map<string, NewsletterEngagement>();
  for (let i = 0; i < contactIds.length; i += 500) {
    const ids = contactIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('newsletter_events as e')
      .innerJoin('newsletter_subscribers as s', (j) => j.onRef('s.workspace_id', '=', 'e.workspace_id').onRef('s.id', '=', 'e.subscriber_id'))
      .leftJoin('contact_emails as ce', (j) => j.onRef('ce.workspace_id', '=', 's.workspace_id').onRef('ce.email', '=', 's.email'))
      .select([
        sql<string>`coalesce(s.contact_id, ce.contact_id)`.as('contact_id'),
        sql<number>`count(distinct case when e.kind = 'open' then coalesce(e.campaign_id, e.id) end)`.as('opens'),
        sql<number>`sum(case when e.kind = 'click' then 1 else 0 end)`.as('clicks'),
      ])
      .where('e.workspace_id', '=', workspaceId)
      .where('e.kind', 'in', ['open', 'click'])
      .where('e.at', '>=', since)
      .where('e.at', '<=', now)
      .where(sql<SqlBool>`coalesce(s.contact_id, ce.contact_id) in (${sql.join(ids)})`)
      .groupBy(sql`coalesce(s.contact_id, ce.contact_id)`)
      .execute();
    for (const r of rows) out.set(r.contact_id, { opens_90d: Number(r.opens), clicks_90d: Number(r.clicks) });
  }
  return out;
}
