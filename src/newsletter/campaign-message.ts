/**
 * One recipient's copy of a campaign, ready for SMTP: the personalised HTML and text, a
 * signed unsubscribe link in the footer and in `List-Unsubscribe` (https and mailto) with
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), optional tracking (open
 * pixel, every link through a signed click redirect naming the link by its index), and a
 * Message-ID derived from campaign and subscriber that the ledger records, so a bounce that
 * quotes it finds its send. `X-Rapport-Campaign` marks the mail as a campaign's, for
 * Rapport's own import and sync to recognise.
 */
import { randomBytes } from 'node:crypto';
import { encode as base64Encode, wrap as base64Wrap } from 'nodemailer/lib/base64/index.js';
import { buildHeaderValue, foldLines, hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp/index.js';
import { ValidationError } from '../errors.js';
import { clickUrl, openPixelUrl, unsubscribeMailto, unsubscribeUrl } from './links.js';
import { personalise, type CompiledCampaign, type MergeData } from './campaign-render.js';
import { signToken } from './tokens.js';

/** The header naming the campaign a message belongs to. */
export const CAMPAIGN_HEADER = 'X-Rapport-Campaign';

export interface MessageContext {
  workspaceId: string;
  campaignId: string;
  listId: string;
  listName: string;
  tracking: boolean;
  compiled: CompiledCampaign;
  /** The workspace's public_url. */
  publicUrl: string;
  secret: Buffer;
  fromAddress: string;
  fromName: string | null;
}

export interface OutboundMessage {
  messageId: string;
  from: string;
  to: string;
  raw: Buffer;
}

/** `<campaign.subscriber@domain>`: the same for every attempt at one recipient. */
export function campaignMessageId(campaignId: string, subscriberId: string, fromAddress: string): string {
  return `<${campaignId}.${subscriberId}@${fromAddress.split('@')[1] ?? 'rapport.invalid'}>`;
}

/**
 * The public URL links are built on.
 * @throws validation when the workspace has none (links in mail must reach this Rapport)
 */
export function publicUrlOrThrow(publicUrl: string | null): string {
  if (!publicUrl) {
    throw new ValidationError(
      'public_url: set the address where people reach this Rapport first (settings public_url, e.g. https://crm.example.com): unsubscribe links must work',
      [{ where: 'settings.public_url', reason: 'not set' }],
    );
  }
  return publicUrl;
}

/** Subject, HTML and text for one recipient, with its signed links. */
export function renderFor(ctx: MessageContext, subscriberId: string, data: MergeData): { subject: string; html: string; text: string; unsubscribe: string } {
  const base = { workspaceId: ctx.workspaceId, subscriberId, campaignId: ctx.campaignId };
  const unsubscribe = signToken(ctx.secret, { kind: 'unsubscribe', ...base });
  const links = ctx.compiled.links;
  const content = personalise(ctx.compiled, {
    data,
    linkUrl: (i) => (ctx.tracking ? clickUrl(ctx.publicUrl, signToken(ctx.secret, { kind: 'click', ...base, linkIndex: i })) : links[i]!),
    unsubscribeUrl: unsubscribeUrl(ctx.publicUrl, unsubscribe),
    openPixelUrl: ctx.tracking ? openPixelUrl(ctx.publicUrl, signToken(ctx.secret, { kind: 'open', ...base })) : null,
  });
  return { ...content, unsubscribe };
}

/** A campaign's message as a template: what is the same for every recipient, encoded once. */
export interface CampaignMime {
  ctx: MessageContext;
  encoder: MimeNode;
  /** The headers every copy shares, folded, before the per-recipient ones. */
  sharedHead: string;
  /** MIME-Version and Content-Type, last as nodemailer writes them. */
  tail: string;
  boundary: string;
}

const fold = (key: string, value: string) => foldLines(`${key}: ${value}`, 76);

/**
 * Compiles the campaign's message once. Header values go through nodemailer's own encoder and
 * bodies through its quoted-printable and base64 encoders, so a copy is byte for byte what
 * nodemailer's MailComposer wrote for it (but for the multipart boundary, random per campaign
 * instead of per message), at a fraction of the cost: no MIME tree and no streams per recipient.
 */
export function compileCampaignMime(ctx: MessageContext): CampaignMime {
  const encoder = new MimeNode();
  const header = (key: string, value: string) => fold(key, encoder.encodeHeaderValue(key, value));
  const domain = ctx.fromAddress.split('@')[1] ?? 'rapport.invalid';
  const boundary = `--_NmP-${randomBytes(8).toString('hex')}-Part_1`;
  const sharedHead = [
    header('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'),
    header('List-ID', `${ctx.listName.replace(/[\r\n"<>]/g, ' ')} <${ctx.listId.replace(/_/g, '-')}.${domain}>`),
    header('Precedence', 'bulk'),
    header(CAMPAIGN_HEADER, ctx.campaignId),
    fold('From', encoder.encodeHeaderValue('From', ctx.fromName ? [{ name: ctx.fromName, address: ctx.fromAddress }] : ctx.fromAddress)),
  ].join('\r\n');
  const tail = [header('MIME-Version', '1.0'), fold('Content-Type', buildHeaderValue({ value: 'multipart/alternative', params: { boundary } }))].join('\r\n');
  return { ctx, encoder, sharedHead, tail, boundary };
}

/** A text part as nodemailer encodes it: 7bit when plain with short lines, else quoted-printable or base64 by its share of non-Latin characters. */
function textPart(contentType: string, content: string): string {
  let encoding: string;
  let body: string;
  const isPlain = isPlainText(content);
  if (isPlain && !hasLongerLines(content, 76)) {
    encoding = '7bit';
    body = content;
  } else if (isPlain ? /[A-Za-z]/.test(content) : prefersQuotedPrintable(content)) {
    // Plain text has none of the characters prefersQuotedPrintable counts against Q: one
    // Latin letter decides, without counting the whole part for every copy.
    encoding = 'quoted-printable';
    body = qpWrap(qpEncode(content), 76);
  } else {
    encoding = 'base64';
    body = base64Wrap(base64Encode(content), 76);
  }
  return `Content-Type: ${contentType}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}`;
}

/** nodemailer's choice between Q and B: more Latin letters than control and 8-bit characters means Q. */
function prefersQuotedPrintable(value: string): boolean {
  let nonLatin = 0;
  let latin = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x08 || code === 0x0b || code === 0x0c || (code >= 0x0e && code <= 0x1f) || code >= 0x80) nonLatin++;
    else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) latin++;
  }
  return nonLatin < latin;
}

/** The raw message for one recipient, filled into the campaign's compiled template. */
export function fillCampaignMessage(mime: CampaignMime, recipient: { subscriberId: string; email: string; data: MergeData }, now: number): OutboundMessage {
  const { ctx, encoder } = mime;
  const { subject, html, text, unsubscribe } = renderFor(ctx, recipient.subscriberId, recipient.data);
  const messageId = campaignMessageId(ctx.campaignId, recipient.subscriberId, ctx.fromAddress);
  const head = [
    fold('List-Unsubscribe', encoder.encodeHeaderValue('List-Unsubscribe', `<${unsubscribeUrl(ctx.publicUrl, unsubscribe)}>, <${unsubscribeMailto(ctx.fromAddress, unsubscribe)}>`)),
    mime.sharedHead,
    fold('To', encoder.encodeHeaderValue('To', recipient.data.name ? [{ name: recipient.data.name, address: recipient.email }] : recipient.email)),
    fold('Subject', encoder.encodeHeaderValue('Subject', subject)),
    fold('Message-ID', encoder.encodeHeaderValue('Message-ID', messageId)),
    fold('Date', encoder.encodeHeaderValue('Date', new Date(now))),
    mime.tail,
  ].join('\r\n');
  const b = mime.boundary;
  const raw = `${head}\r\n\r\n--${b}\r\n${textPart('text/plain; charset=utf-8', text)}\r\n--${b}\r\n${textPart('text/html; charset=utf-8', html)}\r\n--${b}--\r\n`;
  return { messageId, from: ctx.fromAddress, to: recipient.email, raw: Buffer.from(raw, 'utf8') };
}

/** The raw message for one recipient (a single copy: a test send). */
export function buildCampaignMessage(ctx: MessageContext, recipient: { subscriberId: string; email: string; data: MergeData }, now: number): OutboundMessage {
  return fillCampaignMessage(compileCampaignMime(ctx), recipient, now);
}
