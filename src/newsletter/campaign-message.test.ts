/**
 * The compiled campaign message against what nodemailer's MailComposer wrote for each copy
 * before: byte for byte (but for the multipart boundary, which MailComposer picks per message
 * and the template per campaign), and parsed back to the same headers and parts, for
 * recipients whose merge values are hard to encode.
 */
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_HEADER, compileCampaignMime, fillCampaignMessage, renderFor, type MessageContext } from './campaign-message.js';
import { compileCampaign, parseFrontMatter, type MergeData } from './campaign-render.js';
import { unsubscribeMailto, unsubscribeUrl } from './links.js';

const T0 = Date.parse('2025-03-03T08:00:00Z');

const ISSUES = {
  latin: `---\nsubject: Issue 42 for {{first_name|you}} at {{company|your studio}}\npreheader: Three things <worth> reading\n---\n# Hello {{name|there}}\n\nThis week: [how we price](https://studio.example/pricing?a=1&b=2) and [a case](https://studio.example/case).\n\n${'A long paragraph that a weekly note has, long enough to wrap. '.repeat(8)}\n\nYours, {{first_name}} — from {{company}}.\n`,
  greek: `---\nsubject: Τεύχος 7 για {{first_name|εσένα}}\n---\n# Γεια σου {{first_name|φίλε}}\n\n${'Ένα κείμενο στα ελληνικά για τον έλεγχο της κωδικοποίησης base64. '.repeat(6)}\n`,
  short: `---\nsubject: Hi\n---\nHi {{first_name|there}}.\n`,
};

const RECIPIENTS: { email: string; data: MergeData }[] = [
  { email: 'ada@example.com', data: { name: 'Ada Lovelace', first_name: 'Ada', company: 'Analytical Engines' } },
  { email: 'zoe@example.com', data: { name: 'Zoë "Z" <Ünïcode> Ç', first_name: 'Zoë', company: 'Crème & Brûlée <Ltd>' } },
  { email: 'wang@example.cn', data: { name: '王小明', first_name: '小明', company: '北京设计工作室' } },
  { email: 'amp@example.com', data: { name: '<script>alert(1)</script> & "Co"', first_name: "O'Brien", company: '<b>Bold</b>' } },
  { email: 'long@example.com', data: { name: `${'Verylongname'.repeat(12)} Smith`, first_name: 'x'.repeat(150), company: `${'ÄÖÜ'.repeat(40)} GmbH` } },
  { email: 'emoji@example.com', data: { name: 'Sam 🚀 Rocket', first_name: '🚀', company: null } },
  { email: 'bare@example.com', data: { email: 'bare@example.com' } },
];

function contextOf(markdown: string, tracking: boolean): MessageContext {
  const fm = parseFrontMatter(markdown);
  return {
    workspaceId: 'ws_1',
    campaignId: 'nc_abc',
    listId: 'nl_weekly_1',
    listName: 'Weekly "Notes" <from> the studio',
    tracking,
    compiled: compileCampaign({ subject: fm.subject, preheader: fm.preheader, body_md: fm.body }),
    publicUrl: 'https://crm.studio.example',
    secret: randomBytes(32),
    fromAddress: 'news@studio.example',
    fromName: 'Studio Ünïcode',
  };
}

/** What campaign-message.ts built with MailComposer before it compiled a template. */
async function composedBefore(ctx: MessageContext, subscriberId: string, r: { email: string; data: MergeData }, baseBoundary: string): Promise<Buffer> {
  const { subject, html, text, unsubscribe } = renderFor(ctx, subscriberId, r.data);
  const domain = ctx.fromAddress.split('@')[1]!;
  return new MailComposer({
    from: ctx.fromName ? { name: ctx.fromName, address: ctx.fromAddress } : ctx.fromAddress,
    to: r.data.name ? { name: r.data.name, address: r.email } : r.email,
    subject,
    text,
    html,
    messageId: `<${ctx.campaignId}.${subscriberId}@${domain}>`,
    date: new Date(T0),
    baseBoundary,
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
}

const cases = Object.entries(ISSUES).flatMap(([issue, markdown]) => [true, false].map((tracking) => ({ issue, markdown, tracking })));

describe.each(cases)('the compiled message of the $issue issue (tracking $tracking)', ({ markdown, tracking }) => {
  const ctx = contextOf(markdown, tracking);
  const mime = compileCampaignMime(ctx);
  const baseBoundary = /^--_NmP-([0-9a-f]+)-Part_1$/.exec(mime.boundary)![1]!;

  it.each(RECIPIENTS.map((r, i) => ({ ...r, id: `ns_${i}` })))('is what MailComposer wrote for $email, byte for byte', async (r) => {
    const message = fillCampaignMessage(mime, { subscriberId: r.id, email: r.email, data: r.data }, T0);
    const before = await composedBefore(ctx, r.id, r, baseBoundary);
    expect(message.raw.toString('utf8')).toBe(before.toString('utf8'));
    expect(message).toMatchObject({ messageId: `<nc_abc.${r.id}@studio.example>`, from: 'news@studio.example', to: r.email });
  });

  it.each(RECIPIENTS.map((r, i) => ({ ...r, id: `ns_${i}` })))('parses to the headers and parts rendered for $email', async (r) => {
    const message = fillCampaignMessage(mime, { subscriberId: r.id, email: r.email, data: r.data }, T0);
    const parsed = await PostalMime.parse(message.raw);
    const expected = renderFor(ctx, r.id, r.data);
    expect(parsed.subject).toBe(expected.subject);
    // postal-mime keeps the line break before a boundary in a 7bit or quoted-printable part.
    expect(parsed.html?.trimEnd()).toBe(expected.html.trimEnd());
    expect(parsed.text?.trimEnd()).toBe(expected.text.trimEnd());
    expect(parsed.to).toEqual([{ name: r.data.name ?? '', address: r.email }]);
    expect(parsed.from).toEqual({ name: 'Studio Ünïcode', address: 'news@studio.example' });
    expect(parsed.messageId).toBe(`<nc_abc.${r.id}@studio.example>`);
    const header = (key: string) => parsed.headers.find((h) => h.key === key)?.value;
    expect(header('list-unsubscribe')).toBe(`<${unsubscribeUrl(ctx.publicUrl, expected.unsubscribe)}>, <${unsubscribeMailto(ctx.fromAddress, expected.unsubscribe)}>`);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header('x-rapport-campaign')).toBe('nc_abc');
    // Every line fits SMTP's limit (a signed link in a header cannot be folded below 78).
    for (const line of message.raw.toString('utf8').split(/\r?\n/)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
  });
});
