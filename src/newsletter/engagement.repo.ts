/**
 * Newsletter engagement as other domains read it: clicks for Today's interest signals, opens
 * and clicks per contact for prospect warmth. A subscriber's contact is the linked one, else
 * the contact owning its address.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

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
