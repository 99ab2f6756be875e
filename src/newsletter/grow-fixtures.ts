/**
 * Test rows for the funnel, drips and engagement tests: lists, subscribers, sent issues and
 * events written straight to the tables, each with only what the test cares about.
 */
import type { Db } from '../db/database.js';
import type { NewsletterEventKind, SubscriberStatus } from './newsletter.table.js';

let counter = 0;
function next(prefix: string): string {
  counter += 1;
  return `${prefix}_t${counter.toString().padStart(6, '0')}`;
}

export async function insertList(db: Db, workspaceId: string, name: string, at: number): Promise<string> {
  const id = next('nl');
  await db.kysely
    .insertInto('newsletter_lists')
    .values({ workspace_id: workspaceId, id, name, description: '', from_name: null, from_address: null, form_key: next('fk'), created_at: at, updated_at: at })
    .execute();
  return id;
}

export async function insertSubscriber(
  db: Db,
  workspaceId: string,
  listId: string,
  email: string,
  over: { status?: SubscriberStatus; confirmed_at?: number | null; created_at: number; contact_id?: string | null; name?: string | null },
): Promise<string> {
  const id = next('ns');
  const status = over.status ?? 'confirmed';
  await db.kysely
    .insertInto('newsletter_subscribers')
    .values({
      workspace_id: workspaceId,
      id,
      list_id: listId,
      email: email.toLowerCase(),
      name: over.name ?? null,
      contact_id: over.contact_id ?? null,
      status,
      source: 'cli',
      confirm_token_hash: null,
      consent_ip: null,
      soft_bounces: 0,
      created_at: over.created_at,
      confirmed_at: over.confirmed_at === undefined ? (status === 'unconfirmed' ? null : over.created_at) : over.confirmed_at,
      unsubscribed_at: null,
      status_changed_at: over.created_at,
    })
    .execute();
  return id;
}

/** A campaign already sent to the given subscribers at `at`. */
export async function insertSentIssue(db: Db, workspaceId: string, listId: string, subject: string, at: number, subscriberIds: string[]): Promise<string> {
  const id = next('nc');
  await db.kysely
    .insertInto('newsletter_campaigns')
    .values({ workspace_id: workspaceId, id, list_id: listId, subject, preheader: '', body_md: `# ${subject}`, segment: null, tracking: 1, status: 'sent',
      scheduled_at: null, late_limit_hours: 6, created_by: null, created_at: at, updated_at: at, started_at: at, finished_at: at })
    .execute();
  for (const s of subscriberIds) {
    await db.kysely
      .insertInto('newsletter_sends')
      .values({ workspace_id: workspaceId, campaign_id: id, subscriber_id: s, email: `${s}@x.example`, status: 'sent', claimed_by: 'test', claimed_at: at,
        attempts: 1, next_attempt_at: null, message_id: `<${id}.${s}@x.example>`, sent_at: at, error: null })
      .execute();
  }
  return id;
}

export async function insertEvent(
  db: Db,
  workspaceId: string,
  subscriberId: string,
  kind: NewsletterEventKind,
  at: number,
  over: { campaign_id?: string | null; url?: string | null } = {},
): Promise<void> {
  await db.kysely
    .insertInto('newsletter_events')
    .values({ workspace_id: workspaceId, id: next('ne'), subscriber_id: subscriberId, campaign_id: over.campaign_id ?? null, kind, url: over.url ?? null, detail: null, at })
    .execute();
}
