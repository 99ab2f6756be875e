/**
 * Delivery reports read from a message's parts, pure: delivery status notifications (RFC 3464,
 * `multipart/report; report-type=delivery-status`) and abuse complaints (RFC 5965 ARF,
 * `report-type=feedback-report`). Input is what the MIME parser already gave the import (the
 * report's own header fields and its parts as text), output is plain data the bounce service
 * matches to sends. Never throws: a part that cannot be read yields no recipient.
 *
 * Classification: `failed` with a 5.x.x status (or none) is a hard bounce; `failed` with a
 * 4.x.x status and `delayed` are soft bounces; `delivered`, `relayed` and `expanded` are no
 * bounce at all. A feedback report is a complaint whatever its Feedback-Type.
 */

export type BounceClass = 'hard' | 'soft';

export interface ReportRecipient {
  /** Final-Recipient (else Original-Recipient), lower-cased. */
  email: string;
  action: string;
  /** Status code, e.g. "5.1.1"; null when the report has none. */
  status: string | null;
  class: BounceClass;
  diagnostic: string | null;
}

export interface MailReport {
  kind: 'dsn' | 'complaint';
  /** Bounced recipients (DSN) or the complaining recipient(s) (ARF). */
  recipients: ReportRecipient[];
  /** Message-ID of the returned message (its headers, or Original-Message-ID). */
  originalMessageId: string | null;
  /** Addresses the report was delivered to: a VERP return path is among them. */
  returnPaths: string[];
  /** Header fields of the returned message that identify a campaign (lower-cased keys). */
  originalHeaders: Record<string, string>;
  /** ARF Feedback-Type, else null. */
  feedbackType: string | null;
}

export interface ReportInput {
  contentType: string | null;
  /** Header fields of the report message itself, lower-cased keys, as parsed. */
  headers: { key: string; value: string }[];
  /** The message's parts (postal-mime attachments), decoded to text. */
  parts: { mimeType: string; content: string }[];
}

/** Header fields of the returned message kept for matching (news-send's campaign header included). */
const KEPT_ORIGINAL_HEADERS = ['message-id', 'return-path', 'list-unsubscribe', 'x-rapport-campaign', 'x-rapport-send', 'to'];

/** `key: value` fields with folded continuation lines, in groups separated by blank lines (RFC 3464 §2.1). */
export function parseFieldGroups(text: string): Map<string, string>[] {
  const groups: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastKey: string | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) groups.push(current);
      current = new Map();
      lastKey = null;
      continue;
    }
    if (/^[ \t]/.test(line) && lastKey) {
      current.set(lastKey, `${current.get(lastKey)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Repeated fields (Reported-Uri) keep the first: none of the ones read here repeat.
    if (!current.has(lastKey)) current.set(lastKey, value);
  }
  if (current.size > 0) groups.push(current);
  return groups;
}

/** The header block of a returned message (message/rfc822 or text/rfc822-headers). */
function headerBlock(text: string): Map<string, string> {
  const end = text.search(/\r?\n\r?\n/);
  return parseFieldGroups(end === -1 ? text : text.slice(0, end))[0] ?? new Map();
}

/** `rfc822; Ada@Example.com` → `ada@example.com`; null when not an address. */
export function addressOfTyped(value: string | undefined): string | null {
  if (!value) return null;
  const semi = value.indexOf(';');
  const address = (semi === -1 ? value : value.slice(semi + 1)).trim().replace(/^<|>$/g, '').toLowerCase();
  return /^[^@\s<>]+@[^@\s<>]+$/.test(address) ? address : null;
}

function bracketless(id: string | undefined): string | null {
  if (!id) return null;
  const m = /<([^<>\s]+)>/.exec(id) ?? /^([^\s<>]+@[^\s<>]+)$/.exec(id.trim());
  return m ? m[1]! : null;
}

/** The class of one DSN recipient, or null when it did not bounce. */
export function classifyRecipient(action: string, status: string | null): BounceClass | null {
  const a = action.trim().toLowerCase();
  const cls = status?.trim()[0];
  if (a === 'failed') return cls === '4' ? 'soft' : 'hard';
  if (a === 'delayed') return 'soft';
  return null;
}

function reportType(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\/report\b/i.test(contentType)) return null;
  const m = /report-type\s*=\s*"?([\w.-]+)"?/i.exec(contentType);
  return m ? m[1]!.toLowerCase() : null;
}

function returnPathsOf(headers: ReportInput['headers']): string[] {
  const out = new Set<string>();
  for (const h of headers) {
    if (!['to', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to'].includes(h.key)) continue;
    for (const m of h.value.matchAll(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g)) out.add(m[0].toLowerCase());
  }
  return [...out];
}

function originalOf(parts: ReportInput['parts']): Map<string, string> {
  const part = parts.find((p) => /^(message\/rfc822|text\/rfc822-headers|message\/rfc822-headers)$/i.test(p.mimeType));
  return part ? headerBlock(part.content) : new Map();
}

function keptHeaders(original: Map<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const key of KEPT_ORIGINAL_HEADERS) {
    const value = original.get(key);
    if (value !== undefined) kept[key] = value;
  }
  return kept;
}

/** The delivery report a message carries, or null when it is none (the usual case). */
export function readMailReport(input: ReportInput): MailReport | null {
  const type = reportType(input.contentType);
  if (type === 'delivery-status') return readDsn(input);
  if (type === 'feedback-report') return readArf(input);
  return null;
}

function readDsn(input: ReportInput): MailReport | null {
  const parts = input.parts.filter((p) => /^message\/(global-)?delivery-status$/i.test(p.mimeType));
  if (parts.length === 0) return null;
  const recipients: ReportRecipient[] = [];
  let originalMessageId: string | null = null;
  // Some servers send more than one status part (one of them prose): each is read.
  for (const part of parts) {
    const groups = parseFieldGroups(part.content);
    // The first group is per message (Reporting-MTA, Original-Envelope-Id...), the rest per
    // recipient; a report with the blank line missing still has Final-Recipient in its only group.
    const perMessage = groups[0]?.has('final-recipient') ? new Map<string, string>() : (groups.shift() ?? new Map());
    originalMessageId ??= bracketless(perMessage.get('original-message-id'));
    for (const g of groups) {
      const email = addressOfTyped(g.get('final-recipient')) ?? addressOfTyped(g.get('original-recipient'));
      const action = g.get('action');
      if (!email || !action) continue;
      const status = /^\d\.\d{1,3}\.\d{1,3}/.exec(g.get('status') ?? '')?.[0] ?? null;
      const cls = classifyRecipient(action, status);
      if (!cls) continue;
      recipients.push({ email, action: action.toLowerCase(), status, class: cls, diagnostic: g.get('diagnostic-code') ?? null });
    }
  }
  const original = originalOf(input.parts);
  return {
    kind: 'dsn',
    recipients,
    originalMessageId: bracketless(original.get('message-id')) ?? originalMessageId,
    returnPaths: returnPathsOf(input.headers),
    originalHeaders: keptHeaders(original),
    feedbackType: null,
  };
}

function readArf(input: ReportInput): MailReport | null {
  const part = input.parts.find((p) => /^message\/feedback-report$/i.test(p.mimeType));
  if (!part) return null;
  const fields = parseFieldGroups(part.content)[0] ?? new Map<string, string>();
  const original = originalOf(input.parts);
  // Providers redact the recipient in the returned copy; Original-Rcpt-To keeps it when allowed.
  const email = addressOfTyped(fields.get('original-rcpt-to')) ?? addressOfTyped(fields.get('removal-recipient'));
  return {
    kind: 'complaint',
    recipients: email ? [{ email, action: 'complaint', status: null, class: 'hard', diagnostic: fields.get('feedback-type') ?? null }] : [],
    originalMessageId: bracketless(original.get('message-id')),
    returnPaths: [
      ...returnPathsOf(input.headers),
      ...(addressOfTyped(fields.get('original-mail-from')) ? [addressOfTyped(fields.get('original-mail-from'))!] : []),
    ],
    originalHeaders: keptHeaders(original),
    feedbackType: fields.get('feedback-type')?.toLowerCase() ?? null,
  };
}
