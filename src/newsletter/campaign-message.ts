/**
 * One recipient's copy of a campaign, ready for SMTP: the personalised HTML and text, a
 * signed unsubscribe link in the footer and in `List-Unsubscribe` (https and mailto) with
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), optional tracking (open
 * pixel, every link through a signed click redirect naming the link by its index), and a
 * Message-ID derived from campaign and subscriber that the ledger records, so a bounce that
 * quotes it finds its send. `X-Rapport-Campaign` marks the mail as a campaign's, for
 * Rapport's own import and sync to recognise.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
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

/** The raw message for one recipient. */
export async function buildCampaignMessage(ctx: MessageContext, recipient: { subscriberId: string; email: string; data: MergeData }, now: number): Promise<OutboundMessage> {
  const { subject, html, text, unsubscribe } = renderFor(ctx, recipient.subscriberId, recipient.data);
  const messageId = campaignMessageId(ctx.campaignId, recipient.subscriberId, ctx.fromAddress);
  const domain = ctx.fromAddress.split('@')[1] ?? 'rapport.invalid';
  const raw = await new MailComposer({
    from: ctx.fromName ? { name: ctx.fromName, address: ctx.fromAddress } : ctx.fromAddress,
    to: recipient.data.name ? { name: recipient.data.name, address: recipient.email } : recipient.email,
    subject,
    text,
    html,
    messageId,
    date: new Date(now),
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl(ctx.publicUrl, unsubscribe)}>, <${unsubscribeMailto(ctx.fromAddress, unsubscribe)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `${ctx.listName.replace(/[\r\n"<>]/g, ' ')} <${ctx.listId.replace(/_/g, '-')}.${domain}>`,
      Precedence: 'bulk',
      [CAMPAIGN_HEADER]: ctx.campaignId,
    },
  })
    .compile()
    .build();
  return { messageId, from: ctx.fromAddress, to: recipient.email, raw };
}
