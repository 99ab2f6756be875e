/**
 * A reply logged by hand (a done `reply` suggestion, "Log as sent") belongs in the thread it
 * answers, linked the way a mail client links it: subject "Re: …", In-Reply-To the message
 * answered (their latest), References that message's chain. In the thread, the walk of the
 * waits sees it as the reply that ends the wait, as it would the real sent message.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { readJson } from '../shared/json.js';
import { addToThread, adoptIntoThread, findThreadSubject, insertRefRows, listThreadEmailsNewestFirst } from './replies.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ReplyTarget {
  threadId: string;
  subject: string | null;
  inReplyTo: string | null;
  refs: string[];
  /** An unthreaded message (logged by hand) that becomes the first of the thread. */
  adopt: { id: string; subject: string | null; occurred_at: number } | null;
}

const REPLY_PREFIX = /^\s*re\s*:/i;

export function replySubject(subject: string | null): string | null {
  if (!subject?.trim()) return null;
  return REPLY_PREFIX.test(subject) ? subject.trim() : `Re: ${subject.trim()}`;
}

/**
 * Where a reply in this thread goes: the thread, and the message it answers (the latest
 * inbound one before `at`). Null when the thread has no inbound email.
 */
export async function findReplyTarget(db: Db, workspaceId: string, threadId: string, at: number): Promise<ReplyTarget | null> {
  const messages = await listThreadEmailsNewestFirst(db, workspaceId, threadId);
  const answered = messages.find((m) => m.direction === 'in' && m.automated === 0 && Number(m.occurred_at) <= at);
  if (!answered) return null;
  const threadSubject = answered.thread_id ? (await findThreadSubject(db, workspaceId, answered.thread_id))?.subject : null;
  const chain = readJson<string[]>(answered.refs, []);
  const refs = answered.message_id ? [...chain.filter((r) => r !== answered.message_id), answered.message_id] : chain;
  return {
    threadId: answered.thread_id ?? answered.id,
    subject: replySubject(threadSubject ?? answered.subject),
    inReplyTo: answered.message_id,
    refs,
    adopt: answered.thread_id ? null : { id: answered.id, subject: answered.subject, occurred_at: Number(answered.occurred_at) },
  };
}

/** Files a just-inserted reply into its thread, inside the caller's transaction. */
export async function fileReply(db: Db, workspaceId: string, interactionId: string, at: number, target: ReplyTarget): Promise<void> {
  if (target.adopt) await adoptIntoThread(db, workspaceId, target.adopt);
  await addToThread(db, workspaceId, target.threadId, at);
  await insertRefRows(db, workspaceId, interactionId, target.refs);
}
