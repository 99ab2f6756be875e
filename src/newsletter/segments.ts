/**
 * Who a campaign goes to: the list's confirmed subscribers whose address is not suppressed,
 * narrowed by the segment, each with the data its merge fields read. A contact condition
 * (tags, stage, kind, health status) leaves out subscribers who are no contact.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { readJson } from '../shared/json.js';
import { DAY_MS } from '../shared/time.js';
import type { MergeData } from './campaign-render.js';
import { findContactFacts, findEngagedSubscribers, listConfirmedRecipients, type ContactFacts, type RecipientRow } from './campaigns.repo.js';
import type { Segment } from './newsletter.schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Recipient {
  subscriberId: string;
  email: string;
  data: MergeData;
}

/** Whether a subscriber (with its contact's facts, if any) is in the segment. Pure. */
export function matchesSegment(segment: Segment | null, facts: ContactFacts | undefined, isEngaged: boolean): boolean {
  if (!segment) return true;
  if (segment.engaged_days !== undefined && !isEngaged) return false;
  const needsContact = segment.tags?.length || segment.stage || segment.kind || segment.status;
  if (!needsContact) return true;
  if (!facts) return false;
  if (segment.kind && facts.kind !== segment.kind) return false;
  if (segment.stage && facts.stage !== segment.stage) return false;
  if (segment.status && facts.status !== segment.status) return false;
  const tags = new Set(readJson<string[]>(facts.tags, []).map((t) => t.toLowerCase()));
  return (segment.tags ?? []).every((t) => tags.has(t.toLowerCase()));
}

/** Merge data: the contact's name and company when the subscriber is a contact, else the subscriber's name. Pure. */
export function mergeDataOf(row: { email: string; name: string | null }, facts: ContactFacts | undefined): MergeData {
  const name = (facts?.name && facts.name !== row.email ? facts.name : null) ?? row.name ?? '';
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return {
    name,
    first_name: parts[0] ?? '',
    last_name: parts.length > 1 ? parts.slice(1).join(' ') : '',
    email: row.email,
    company: facts?.company ?? '',
  };
}

function recipientOf(row: RecipientRow, facts: ContactFacts | undefined): Recipient {
  return { subscriberId: row.id, email: row.email, data: mergeDataOf(row, facts) };
}

/** The campaign's recipients now, in subscriber id order. */
export async function resolveRecipients(db: Db, workspaceId: string, listId: string, segment: Segment | null, now: number): Promise<Recipient[]> {
  const rows = await listConfirmedRecipients(db, workspaceId, listId);
  const contactIds = [...new Set(rows.map((r) => r.contact_id).filter((id): id is string => id !== null))];
  const facts = await findContactFacts(db, workspaceId, contactIds);
  const engaged = segment?.engaged_days ? await findEngagedSubscribers(db, workspaceId, now - segment.engaged_days * DAY_MS) : new Set<string>();
  return rows
    .filter((r) => matchesSegment(segment, r.contact_id ? facts.get(r.contact_id) : undefined, engaged.has(r.id)))
    .map((r) => recipientOf(r, r.contact_id ? facts.get(r.contact_id) : undefined));
}

/** Merge data for the given subscribers (a send's ledger rows), by subscriber id. */
export async function mergeDataFor(db: Db, workspaceId: string, subscriberIds: string[]): Promise<Map<string, MergeData>> {
  const out = new Map<string, MergeData>();
  for (let i = 0; i < subscriberIds.length; i += 500) {
    const rows = await db
      .selectFrom('newsletter_subscribers')
      .select(['id', 'email', 'name', 'contact_id'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', subscriberIds.slice(i, i + 500))
      .execute();
    const facts = await findContactFacts(db, workspaceId, [...new Set(rows.map((r) => r.contact_id).filter((id): id is string => id !== null))]);
    for (const r of rows) out.set(r.id, mergeDataOf(r, r.contact_id ? facts.get(r.contact_id) : undefined));
  }
  return out;
}
