/**
 * Sending from Rapport: Markdown rendered to HTML and text, reply headers from the thread, sent
 * over the account's SMTP server, a copy appended to its Sent folder unless the server put one
 * there, and the message recorded at once through the import pipeline, so that it ends the
 * wait it answers before the next sync (which then finds it stored, by its Message-ID).
 */
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Db } from '../db/database.js';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import { refreshHealthOf } from '../import/import.service.js';
import { importMailSource } from '../import/mail/mail-import.service.js';
import type { MailSource } from '../import/mail/sources.js';
import { findContactOrThrow } from '../contacts/contacts.service.js';
import { findInteractionRow, findThreadRow, listInteractionRowsForThread } from '../interactions/interactions.repo.js';
import { readJson } from '../shared/json.js';
import { parseOrThrow } from '../shared/validate.js';
import { findActiveSuggestionOrThrow, markSuggestionDone } from '../suggestions/suggestions.service.js';
import { watchWorkspace } from '../webhooks/change-events.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { secretsOf } from './accounts.service.js';
import { describeFailure, findSentFolder, imapClient, smtpTransport, stepOfError, type AccountSecrets } from './connect.js';
import { renderMarkdown, replyHeaders, replySubject } from './compose.js';
import { findAccountRowOrThrow, listAccountRows, type MailAccountRow } from './mail.repo.js';
import { SendInputSchema, type SendInput, type SentMessage } from './mail.schema.js';
import type { MailKey } from './secret-box.js';

interface Parent {
  messageId: string;
  references: string[];
  inReplyTo: string | null;
  subject: string | null;
}

async function accountFor(db: Db, ws: Workspace, ref: string | undefined): Promise<MailAccountRow> {
  if (ref) return findAccountRowOrThrow(db.kysely, ws.id, ref);
  const rows = await listAccountRows(db.kysely, ws.id);
  if (rows.length === 0) throw new ValidationError('no mail account to send from: add one first (rapport account add, or Settings → Mail accounts)', [{ where: 'account', reason: 'none' }]);
  return rows[0]!;
}

/** The message a reply in this thread answers: its latest email with a Message-ID. */
async function parentOf(db: Db, ws: Workspace, threadId: string): Promise<Parent> {
  const k = db.kysely;
  const rows = (await findThreadRow(k, ws.id, threadId)) ? await listInteractionRowsForThread(k, ws.id, threadId) : [];
  if (rows.length === 0) {
    const single = await findInteractionRow(k, ws.id, threadId);
    if (single) rows.push(single);
  }
  if (rows.length === 0) throw new NotFoundError('thread', threadId);
  const parent = rows.filter((r) => r.kind === 'email' && r.message_id).pop();
  if (!parent) throw new ValidationError(`reply_to_thread: thread ${threadId} has no email to reply to`, [{ where: 'reply_to_thread', reason: 'no email' }]);
  return { messageId: `<${parent.message_id!.replace(/^<|>$/g, '')}>`, references: readJson<string[]>(parent.refs, []).map((r) => `<${r.replace(/^<|>$/g, '')}>`), inReplyTo: parent.in_reply_to, subject: parent.subject };
}

async function appendToSent(secrets: AccountSecrets, raw: Buffer, messageId: string): Promise<boolean> {
  const client = imapClient(secrets.imap, secrets.password);
  await client.connect();
  try {
    const sent = findSentFolder(await client.list());
    if (!sent) return false;
    const lock = await client.getMailboxLock(sent);
    try {
      // Servers that file sent mail themselves (Gmail, some Exchange) already have it.
      const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      if (found && found.length > 0) return true;
    } finally {
      lock.release();
    }
    await client.append(sent, raw, ['\\Seen']);
    return true;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * Sends a message to a contact from the workspace's mail account and records it.
 * @throws validation (no account, no subject, contact without address), not_found (contact,
 * thread, account), unavailable (the SMTP server refused or could not be reached).
 */
export async function sendMessage(db: Db, ws: Workspace, key: MailKey, input: SendInput, now: number): Promise<SentMessage> {
  const parsed = parseOrThrow(SendInputSchema, input);
  const contact = await findContactOrThrow(db.kysely, ws, parsed.contact, now);
  if (!contact.email) throw new ValidationError(`contact: ${contact.name} has no email address`, [{ where: 'contact', reason: 'no address' }]);
  const suggestion = parsed.suggestion ? await findActiveSuggestionOrThrow(db.kysely, ws, parsed.suggestion, now) : null;
  if (suggestion && suggestion.contact.id !== contact.id) {
    throw new ValidationError(`suggestion: ${suggestion.id} is for ${suggestion.contact.name || suggestion.contact.email}, not ${contact.name}`, [{ where: 'suggestion', reason: 'other contact' }]);
  }
  const parent = parsed.reply_to_thread ? await parentOf(db, ws, parsed.reply_to_thread) : null;
  const subject = parent ? replySubject(parsed.subject || parent.subject) : parsed.subject;
  if (!subject) throw new ValidationError('subject: give a subject (or reply to a thread)', [{ where: 'subject', reason: 'required' }]);
  const row = await accountFor(db, ws, parsed.account);
  const secrets = secretsOf(row, key);

  const { html, text } = renderMarkdown(parsed.body);
  const messageId = `<${randomBytes(12).toString('hex')}.${now.toString(36)}@${row.address.split('@')[1] ?? 'rapport.invalid'}>`;
  const headers = parent ? replyHeaders(parent) : null;
  const raw = await new MailComposer({
    from: row.address,
    to: contact.name && contact.name !== contact.email ? { name: contact.name, address: contact.email } : contact.email,
    subject,
    text,
    html,
    messageId,
    date: new Date(now),
    inReplyTo: headers?.inReplyTo,
    references: headers?.references,
  })
    .compile()
    .build();

  const transport = smtpTransport(secrets.smtp, secrets.password);
  try {
    await transport.sendMail({ envelope: { from: row.address, to: [contact.email] }, raw });
  } catch (error) {
    throw new AppError('unavailable', `sending failed: ${describeFailure(stepOfError(error), secrets.smtp, error)}`);
  } finally {
    transport.close();
  }

  // Sent: from here on, recording must not fail the call (the mail is gone), only be reported.
  let appended = false;
  try {
    appended = await appendToSent(secrets, raw, messageId);
  } catch {
    appended = false;
  }
  const watch = await watchWorkspace(db.kysely, ws, now, { waits: true });
  const source: MailSource = {
    path: `${row.id}/sent/${messageId}`,
    format: 'eml',
    isFolder: false,
    fingerprint: messageId,
    total: 1,
    unit: 'messages',
    scheme: 'smtp',
    async *items(position) {
      if (position === 0) yield { raw: new Uint8Array(raw), where: `sent ${messageId}`, file: `${row.id}/sent/${messageId}`, next: 1, fallback: { fileTime: now } };
    },
  };
  const result = await importMailSource(db, ws, source, now, { workers: 0 });
  await refreshHealthOf(db, ws, result.contactIds, now);
  await watch.finish();
  const stored = await db.kysely
    .selectFrom('interactions')
    .select(['id', 'thread_id'])
    .where('workspace_id', '=', ws.id)
    .where('identity', '=', messageId)
    .executeTakeFirstOrThrow();
  const sent: SentMessage = { message_id: messageId, interaction_id: stored.id, thread_id: stored.thread_id, to: contact.email, subject, appended_to_sent: appended };
  // The sent message is the interaction that carried the suggestion out: only its status changes.
  if (suggestion) sent.suggestion = { id: (await markSuggestionDone(db.kysely, ws, suggestion.id, now)).id, status: 'done' };
  return sent;
}

/**
 * Sends a notice of Rapport itself (the daily digest) from the workspace's first mail account.
 * Not a message to a contact: nothing is recorded. Returns null when the workspace has no
 * account (the caller then keeps the message as a file).
 * @throws unavailable (the SMTP server refused or could not be reached).
 */
export async function sendNotice(db: Db, ws: Workspace, key: () => MailKey, notice: { to: string; subject: string; text: string; messageId?: string }, now: number): Promise<{ from: string; message_id: string } | null> {
  const [row] = await listAccountRows(db.kysely, ws.id);
  if (!row) return null;
  const secrets = secretsOf(row, key());
  const transport = smtpTransport(secrets.smtp, secrets.password);
  try {
    const info = await transport.sendMail({ from: row.address, to: notice.to, subject: notice.subject, text: notice.text, date: new Date(now), messageId: notice.messageId });
    return { from: row.address, message_id: info.messageId };
  } catch (error) {
    throw new AppError('unavailable', `sending failed: ${describeFailure(stepOfError(error), secrets.smtp, error)}`);
  } finally {
    transport.close();
  }
}
