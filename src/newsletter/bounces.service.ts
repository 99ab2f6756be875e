/**
 * Newsletter mail found by the mail pipeline (import, IMAP sync): delivery status
 * notifications and complaints matched to the sends they report on, mails to the
 * List-Unsubscribe mailto, and replies of subscribers to an issue. Runs inside the import's batch transaction on freshly stored
 * messages only, so a message imported twice is counted once.
 *
 * Rules: a hard bounce (5.x.x) or a complaint suppresses the address in every list of the
 * workspace; soft bounces (4.x.x, delays) count per send, and SOFT_BOUNCE_LIMIT of them in a
 * row (no open or click in between) suppress it too. Reports are matched by the returned
 * message's Message-ID in the send ledgers (campaigns and drips); a report matching no send of
 * ours changes nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Direction } from '../interactions/interactions.schema.js';
import type { MailReport } from './dsn.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { messageIdForms, type NewsletterMark } from './inbound.js';
import { verifyPublicToken } from './newsletter-keys.js';
import { unsubscribeSubscriber } from './public.service.js';
import { findSubscriberRowById } from './subscribers.repo.js';
import { countSoftBounce, findSendsByMessageIds, hasAnySends, hasEvent, insertEvent, stopDripsOf, type SendRef } from './inbound.repo.js';
import { insertSuppressionRow, markAddressOnAllLists } from './subscribers.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Never mailed again on any list (the first reason is kept). */
async function suppress(db: Db, workspaceId: string, email: string, reason: 'bounced' | 'complained', detail: string, now: number): Promise<void> {
  await insertSuppressionRow(db, { workspace_id: workspaceId, email, reason, detail: detail.slice(0, 500), created_at: now });
  await markAddressOnAllLists(db, workspaceId, email, reason, now);
}

/** Soft bounces in a row that suppress an address (a mailbox full for three issues running is gone). */
export const SOFT_BOUNCE_LIMIT = 3;

/** The part of a parsed message this service reads. */
export interface InboundMail {
  messageId: string | null;
  direction: Direction;
  automated: boolean;
  from: { email: string };
  refs: string[];
  report: MailReport | null;
  newsletter: NewsletterMark;
}

export interface InboundOutcome {
  bounces_hard: number;
  bounces_soft: number;
  complaints: number;
  suppressed: number;
  replies: number;
  unsubscribes: number;
}

/**
 * Applies the reports and replies among freshly stored messages to the newsletter.
 */
export async function applyNewsletterMail(db: Db, ws: Workspace, mails: InboundMail[], now: number): Promise<InboundOutcome> {
  const workspaceId = ws.id;
  const outcome: InboundOutcome = { bounces_hard: 0, bounces_soft: 0, complaints: 0, suppressed: 0, replies: 0, unsubscribes: 0 };
  for (const mail of mails) {
    if (mail.direction === 'in' && mail.newsletter.unsubscribeToken) outcome.unsubscribes += await applyUnsubscribeMail(db, ws, mail.newsletter.unsubscribeToken, now);
  }
  const reports = mails.filter((m) => m.report?.originalMessageId);
  const replies = mails.filter((m) => !m.report && !m.automated && m.direction === 'in' && m.refs.length > 0);
  // Most imports are of a mailbox with no newsletter: one indexed look-up per batch, then nothing.
  if ((reports.length === 0 && replies.length === 0) || !(await hasAnySends(db, workspaceId))) return outcome;

  const wanted = [...reports.map((m) => m.report!.originalMessageId!), ...replies.flatMap((m) => m.refs)];
  const sends = await findSendsByMessageIds(db, workspaceId, messageIdForms(wanted));
  if (sends.length === 0) return outcome;
  const byId = new Map<string, SendRef>();
  for (const s of sends) byId.set(s.message_id.replace(/^<|>$/g, ''), s);

  for (const mail of reports) {
    const send = byId.get(mail.report!.originalMessageId!.replace(/^<|>$/g, ''));
    if (send) await applyReport(db, workspaceId, send, mail.report!, now, outcome);
  }
  const replied = new Set<string>();
  for (const mail of replies) {
    const send = mail.refs.map((r) => byId.get(r.replace(/^<|>$/g, ''))).find((s) => s !== undefined);
    // One reply event per message, for the subscriber the issue went to.
    if (!send || replied.has(`${send.subscriber_id} ${mail.messageId}`)) continue;
    replied.add(`${send.subscriber_id} ${mail.messageId}`);
    await insertEvent(db, workspaceId, { subscriber_id: send.subscriber_id, campaign_id: send.campaign_id, kind: 'reply', detail: mail.messageId }, now);
    await stopDripsOf(db, workspaceId, send.subscriber_id, 'replied', now);
    outcome.replies += 1;
  }
  return outcome;
}

/** A mail to the List-Unsubscribe mailto: its token, signed for this workspace, unsubscribes. */
async function applyUnsubscribeMail(db: Db, ws: Workspace, token: string, now: number): Promise<number> {
  const payload = await verifyPublicToken(db, token, 'unsubscribe', now);
  // A token of another workspace found in this one's mailbox does nothing here.
  if (!payload || payload.workspaceId !== ws.id) return 0;
  const subscriber = await findSubscriberRowById(db, ws.id, payload.subscriberId);
  if (!subscriber) return 0;
  await unsubscribeSubscriber(db, ws, subscriber, payload.campaignId ?? null, now);
  return 1;
}

async function applyReport(db: Db, workspaceId: string, send: SendRef, report: MailReport, now: number, outcome: InboundOutcome): Promise<void> {
  if (report.kind === 'complaint') {
    // A complaint names the send by its returned copy; providers often redact the recipient.
    await insertEvent(db, workspaceId, { subscriber_id: send.subscriber_id, campaign_id: send.campaign_id, kind: 'complaint', detail: report.feedbackType ?? 'abuse' }, now);
    await suppress(db, workspaceId, send.email, 'complained', `complaint (${report.feedbackType ?? 'abuse'})`, now);
    outcome.complaints += 1;
    outcome.suppressed += 1;
    return;
  }
  // Only the recipient the send went to: a report may list others (a forwarded copy).
  const mine = report.recipients.filter((r) => r.email === send.email);
  const recipient = mine.find((r) => r.class === 'hard') ?? mine[0] ?? (report.recipients.length === 1 ? report.recipients[0] : undefined);
  if (!recipient) return;
  const detail = `${send.message_id} ${recipient.status ?? recipient.action}${recipient.diagnostic ? ` ${recipient.diagnostic}` : ''}`.slice(0, 500);
  if (recipient.class === 'hard') {
    await insertEvent(db, workspaceId, { subscriber_id: send.subscriber_id, campaign_id: send.campaign_id, kind: 'bounce_hard', detail }, now);
    await suppress(db, workspaceId, send.email, 'bounced', `hard bounce ${recipient.status ?? ''} ${recipient.diagnostic ?? ''}`.trim(), now);
    outcome.bounces_hard += 1;
    outcome.suppressed += 1;
    return;
  }
  // A delay warning and the failure that may follow report on one send: it counts once.
  if (await hasEvent(db, workspaceId, send.subscriber_id, 'bounce_soft', `${send.message_id} `)) return;
  await insertEvent(db, workspaceId, { subscriber_id: send.subscriber_id, campaign_id: send.campaign_id, kind: 'bounce_soft', detail }, now);
  outcome.bounces_soft += 1;
  if ((await countSoftBounce(db, workspaceId, send.subscriber_id)) >= SOFT_BOUNCE_LIMIT) {
    await suppress(db, workspaceId, send.email, 'bounced', `${SOFT_BOUNCE_LIMIT} soft bounces in a row`, now);
    outcome.suppressed += 1;
  }
}
