/**
 * Test factories of the newsletter's inbound side: a list with a confirmed subscriber and a
 * campaign sent to them, as the sender's ledger records it (a `sent` row with its Message-ID).
 */
import type { Db } from '../db/database.js';
import { newId } from '../shared/ids.js';
import { T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { createList, subscribe } from './subscribers.service.js';

let counter = 0;

export interface BuiltSend {
  listId: string;
  subscriberId: string;
  campaignId: string;
  messageId: string;
}

/** A confirmed subscriber of a new list (or of `listName`) and a sent campaign with `messageId`. */
export async function buildSend(db: Db, ws: Workspace, email: string, messageId: string, options: { listName?: string; now?: number } = {}): Promise<BuiltSend> {
  const now = options.now ?? T0;
  counter += 1;
  const listName = options.listName ?? `List ${counter}`;
  const existing = await db.kysely.selectFrom('newsletter_lists').select('id').where('workspace_id', '=', ws.id).where('name', '=', listName).executeTakeFirst();
  const listId = existing?.id ?? (await createList(db.kysely, ws, { name: listName }, now)).id;
  const subscriber = await subscribe(db.kysely, ws, listId, { email, confirmed: true }, 'cli', now);
  const campaignId = newId('nc');
  await db.kysely
    .insertInto('newsletter_campaigns')
    .values({ workspace_id: ws.id, id: campaignId, list_id: listId, subject: `Issue ${counter}`, preheader: '', body_md: `Hello [site](https://example.org/${counter})`, segment: null, tracking: 1, status: 'sent', scheduled_at: null, late_limit_hours: 6, created_by: null, created_at: now, updated_at: now, started_at: now, finished_at: now })
    .execute();
  await db.kysely
    .insertInto('newsletter_sends')
    .values({ workspace_id: ws.id, campaign_id: campaignId, subscriber_id: subscriber.id, email, status: 'sent', claimed_by: null, claimed_at: now, attempts: 1, next_attempt_at: null, message_id: messageId, sent_at: now, error: null })
    .execute();
  return { listId, subscriberId: subscriber.id, campaignId, messageId };
}

export async function eventsOf(db: Db, ws: Workspace, subscriberId: string) {
  return db.kysely.selectFrom('newsletter_events').select(['kind', 'campaign_id', 'url', 'detail']).where('workspace_id', '=', ws.id).where('subscriber_id', '=', subscriberId).orderBy('id').execute();
}

export async function statusOf(db: Db, ws: Workspace, subscriberId: string) {
  return (await db.kysely.selectFrom('newsletter_subscribers').select(['status', 'soft_bounces']).where('workspace_id', '=', ws.id).where('id', '=', subscriberId).executeTakeFirstOrThrow());
}

/** A delivery status notification written by RFC 3464, for `recipient` about `messageId`. */
export function dsnMessage(recipient: string, messageId: string, action: 'failed' | 'delayed', status: string, n = 0): string {
  const boundary = `b${n}`;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    'To: news@acme.example',
    `Subject: ${action === 'failed' ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Message-ID: <dsn${n}.${messageId.replace(/[<>]/g, '')}>`,
    'Date: Tue, 07 Jan 2025 10:00:00 +0000',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    `Your message to ${recipient} could not be delivered.`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550' : '452'} ${status} mailbox ${status.startsWith('5') ? 'unknown' : 'full'}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: news@acme.example',
    `To: ${recipient}`,
    `Message-ID: ${messageId}`,
    'Subject: This week',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
