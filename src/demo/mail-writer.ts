/**
 * Writes one contact's interactions as rows that look exactly like imported mail to the
 * metrics engine: email threads with Message-ID / In-Reply-To / References, a threads row,
 * participants with role from/to, closers, sentiment of inbound text and behaviour tags of
 * outbound text (from the template analysis). Ids come from the seeded generator in the order
 * messages are written, which is chronological within a thread: ties sort by id.
 */
import { excerptOf } from '../interactions/interactions.service.js';
import type { IdGenerator } from '../shared/ids.js';
import { countWords } from '../text/index.js';
import type { Analyses, TemplateAnalysis } from './analysis.js';
import type { DemoRows } from './demo.repo.js';
import { fill, type Template } from './templates.js';

export const OWN_DOMAIN = 'rapport-demo.example';
export const OWN_ADDRESS = `you@${OWN_DOMAIN}`;

const NO_ANALYSIS: TemplateAnalysis = { tags: [], sentiment: null, isCloser: false };

export interface WriterContext {
  wsId: string;
  now: number;
  ids: IdGenerator;
  analyses: Analyses;
  normalizeSubject: (subject: string) => string;
  rows: DemoRows;
}

export interface Counterpart {
  contactId: string;
  email: string;
  domain: string;
}

export interface Thread {
  id: string;
  subject: string;
  messageIds: string[];
  firstAt: number;
  lastAt: number;
}

export class MailWriter {
  /** First non-automated, non-internal interaction with the contact. */
  firstSeenAt: number | null = null;
  interactions = 0;

  constructor(
    private readonly ctx: WriterContext,
    private readonly who: Counterpart,
  ) {}

  startThread(subject: string): Thread {
    return { id: '', subject, messageIds: [], firstAt: 0, lastAt: 0 };
  }

  /**
   * Adds a message to `thread` at `at`. Returns false, writing nothing, when `at` is not
   * before now: the rest of the thread has not happened yet.
   */
  email(thread: Thread, direction: 'in' | 'out', template: Template, at: number, values: Record<string, string>): string | false {
    if (at >= this.ctx.now) return false;
    const { ctx, who } = this;
    if (thread.messageIds.length === 0) {
      thread.id = ctx.ids('th');
      thread.firstAt = at;
    }
    const id = ctx.ids('ix');
    const analysis = ctx.analyses.get(template, direction) ?? NO_ANALYSIS;
    const body = fill(template.text, values);
    const messageId = `<${id}@${direction === 'out' ? OWN_DOMAIN : who.domain}>`;
    const parent = thread.messageIds[thread.messageIds.length - 1] ?? null;
    const subject = parent ? `Re: ${thread.subject}` : thread.subject;
    this.push({
      id, identity: messageId, kind: 'email', direction, at, subject, subject_key: ctx.normalizeSubject(subject), body,
      analysis, from: direction === 'out' ? OWN_ADDRESS : who.email, message_id: messageId, in_reply_to: parent,
      refs: thread.messageIds, thread_id: thread.id, role: direction === 'out' ? 'to' : 'from',
    });
    for (const ref of thread.messageIds) ctx.rows.interaction_refs.push({ workspace_id: ctx.wsId, ref_message_id: ref, interaction_id: id });
    thread.messageIds.push(messageId);
    thread.lastAt = at;
    return id;
  }

  /** Writes the threads row once the thread is complete (nothing when no message happened). */
  endThread(thread: Thread): void {
    if (thread.messageIds.length === 0) return;
    this.ctx.rows.threads.push({
      workspace_id: this.ctx.wsId, id: thread.id, subject: thread.subject, first_at: thread.firstAt,
      last_at: thread.lastAt, message_count: thread.messageIds.length,
    });
  }

  /** A call, meeting, surprise, chat message or newsletter: no thread, no Message-ID. */
  other(
    kind: 'call' | 'meeting' | 'surprise' | 'message' | 'newsletter',
    direction: 'in' | 'out',
    template: Template,
    at: number,
    values: Record<string, string>,
  ): string | false {
    if (at >= this.ctx.now) return false;
    const id = this.ctx.ids('ix');
    const analysis = this.ctx.analyses.get(template, direction) ?? NO_ANALYSIS;
    const subject = template.subject ? fill(template.subject, values) : null;
    const role = kind === 'meeting' ? 'attendee' : kind === 'newsletter' ? 'to' : 'with';
    this.push({
      id, identity: `demo:${id}`, kind, direction, at, subject, subject_key: null, body: fill(template.text, values),
      analysis, from: null, message_id: null, in_reply_to: null, refs: [], thread_id: null, role,
    });
    return id;
  }

  /** An automated notification (receipt, out-of-office): stored, but never a contact's mail. */
  automated(template: Template, at: number, values: Record<string, string>): void {
    if (at >= this.ctx.now) return;
    const { ctx, who } = this;
    const thread = this.startThread(fill(template.subject ?? 'Notification', values));
    thread.id = ctx.ids('th');
    const id = ctx.ids('ix');
    const messageId = `<${id}@${who.domain}>`;
    const body = fill(template.text, values);
    ctx.rows.interactions.push({
      workspace_id: ctx.wsId, id, identity: messageId, kind: 'email', direction: 'in', occurred_at: at, date_inferred: 0,
      subject: thread.subject, subject_key: ctx.normalizeSubject(thread.subject), excerpt: excerptOf(body), body,
      word_count: countWords(body), is_closer: 0, sentiment: null, automated: 1, source: 'demo',
      from_address: `no-reply@${who.domain}`, message_id: messageId, in_reply_to: null, refs: '[]', thread_id: thread.id,
      attachments: '[]', created_by: null, created_at: at,
    });
    thread.messageIds.push(messageId);
    thread.firstAt = thread.lastAt = at;
    this.endThread(thread);
    this.interactions += 1;
  }

  private push(m: {
    id: string; identity: string; kind: string; direction: 'in' | 'out'; at: number; subject: string | null;
    subject_key: string | null; body: string; analysis: TemplateAnalysis; from: string | null; message_id: string | null;
    in_reply_to: string | null; refs: string[]; thread_id: string | null; role: string;
  }): void {
    const { ctx, who } = this;
    const inbound = m.direction === 'in';
    const textual = m.kind === 'email' || m.kind === 'message';
    ctx.rows.interactions.push({
      workspace_id: ctx.wsId, id: m.id, identity: m.identity, kind: m.kind, direction: m.direction, occurred_at: m.at,
      date_inferred: 0, subject: m.subject, subject_key: m.subject_key, excerpt: excerptOf(m.body), body: m.body,
      word_count: countWords(m.body), is_closer: textual && m.analysis.isCloser ? 1 : 0,
      sentiment: inbound && textual ? m.analysis.sentiment : null, automated: 0, source: 'demo', from_address: m.from,
      message_id: m.message_id, in_reply_to: m.in_reply_to, refs: JSON.stringify(m.refs), thread_id: m.thread_id,
      attachments: '[]', created_by: null, created_at: m.at,
    });
    ctx.rows.interaction_contacts.push({ workspace_id: ctx.wsId, interaction_id: m.id, contact_id: who.contactId, role: m.role });
    // Behaviour tags describe what we did: detected in outbound text only, plus manual tags.
    for (const tag of m.analysis.tags) {
      ctx.rows.interaction_behaviors.push({ workspace_id: ctx.wsId, interaction_id: m.id, behavior: tag.behavior, origin: tag.origin });
    }
    if (this.firstSeenAt === null || m.at < this.firstSeenAt) this.firstSeenAt = m.at;
    this.interactions += 1;
  }
}

