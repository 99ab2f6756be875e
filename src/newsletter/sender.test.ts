import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { HOUR_MS } from '../shared/time.js';
import { buildContact, buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { createCampaign, scheduleCampaign } from './campaigns.service.js';
import { verifyPublicToken } from './newsletter-keys.js';
import { campaignStats, isStoppedHolder, releaseUncertain, runCampaignSend, sendCampaign, startCampaignSend } from './sender.js';
import { listSendRows } from './sends.repo.js';
import { createList, subscribe, suppressAddress, unsubscribe } from './subscribers.service.js';
import { startSmtpSink, type SmtpSink } from './test-smtp-sink.js';

const ISSUE = `---
subject: Week 12 for {{first_name|you}}
preheader: Three things worth reading
---
# Hello {{first_name|there}}

Read the [pricing article](https://example.com/pricing) and [this one](https://example.com/other).
`;

describe('isStoppedHolder', () => {
  it.each([
    ['me', 'me', 0, false],
    ['other:1:x', 'me', 11 * 60_000, true],
    ['other:1:x', 'me', 60_000, false],
  ])('%s seen by %s after %i ms → %s', (worker, me, age, expected) => {
    expect(isStoppedHolder({ worker, since: T0 }, me, T0 + age, 10 * 60_000, 'this-host')).toBe(expected);
  });

  it('a process of this host that is gone has stopped at once', () => {
    expect(isStoppedHolder({ worker: `this-host:${2 ** 22 + 12345}:x`, since: T0 }, 'me', T0, 10 * 60_000, 'this-host')).toBe(true);
    expect(isStoppedHolder({ worker: `this-host:${process.pid}:x`, since: T0 }, 'me', T0, 10 * 60_000, 'this-host')).toBe(false);
  });
});

describe.each(testDialects())('sending a campaign on %s', (dialect) => {
  let db: Db;
  let sink: SmtpSink;
  let ws: Workspace;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    sink = await startSmtpSink();
    ws = await updateWorkspaceSettings(db.kysely, await buildWorkspace(db), { public_url: 'https://crm.example.com/' }, T0);
    await createList(db.kysely, ws, { name: 'Weekly', from_address: 'news@studio.example', from_name: 'The Studio' }, T0);
  });
  afterEach(async () => {
    await sink.close();
    await db.close();
  });

  const smtp = () => ({ host: '127.0.0.1', port: sink.port, secure: false, user: 'u', password: 'p' });
  const options = (extra = {}) => ({ smtp: smtp(), rate: 0, concurrency: 3, clock: () => T0, retryBaseMs: 1, ...extra });

  it('sends once to each confirmed subscriber, never to unsubscribed, bounced, complained, suppressed or unconfirmed ones', async () => {
    const { contact } = await buildContact(db, ws, { email: 'ada@client.example', name: '<b>Ada</b> Lovelace' });
    await subscribe(db.kysely, ws, 'Weekly', { email: contact.email!, confirmed: true }, 'cli', T0);
    await subscribe(db.kysely, ws, 'Weekly', { email: 'bob@example.com', confirmed: true }, 'cli', T0);
    await subscribe(db.kysely, ws, 'Weekly', { email: 'una@example.com' }, 'cli', T0);
    for (const email of ['gone@example.com', 'bounce@example.com', 'spam@example.com', 'later@example.com']) {
      await subscribe(db.kysely, ws, 'Weekly', { email, confirmed: true }, 'cli', T0);
    }
    await unsubscribe(db.kysely, ws, 'Weekly', 'gone@example.com', T0);
    await suppressAddress(db.kysely, ws, 'bounce@example.com', 'bounced', '550 5.1.1', T0);
    await suppressAddress(db.kysely, ws, 'spam@example.com', 'complained', '', T0);
    const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: ISSUE }, T0);
    expect(campaign.links).toEqual(['https://example.com/pricing', 'https://example.com/other']);

    await startCampaignSend(db, ws, campaign.id, T0);
    // Unsubscribed after the send started, before its turn: re-checked at the claim.
    await unsubscribe(db.kysely, ws, 'Weekly', 'later@example.com', T0);
    const stats = await runCampaignSend(db, ws, campaign.id, options());
    expect(stats).toMatchObject({ status: 'sent', total: 3, sent: 2, skipped: 1, failed: 0, uncertain: 0, pending: 0 });
    expect(sink.received.map((m) => m.to).sort()).toEqual(['ada@client.example', 'bob@example.com']);

    const ada = sink.received.find((m) => m.to === 'ada@client.example')!.raw;
    expect(ada.replace(/\r\n[ \t]+/g, ' ')).toMatch(/^List-Unsubscribe: <https:\/\/crm\.example\.com\/p\/u\/v1\.u\.[^>]+>, <mailto:news@studio\.example\?subject=unsubscribe/m);
    expect(ada).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(ada).toContain(`X-Rapport-Campaign: ${campaign.id}`);
    expect(ada).toContain('Subject: Week 12 for <b>Ada</b>');
    const parsed = await simpleParser(ada);
    expect(parsed.html).toContain('<h1>Hello &lt;b&gt;Ada&lt;/b&gt;</h1>');
    expect(parsed.text).toContain('Hello <b>Ada</b>');
    const rows = await listSendRows(db.kysely, { workspaceId: ws.id, campaignId: campaign.id });
    const adaRow = rows.find((r) => r.email === 'ada@client.example')!;
    expect(ada).toContain(`Message-ID: <${adaRow.message_id}>`);
    // Every click link is signed for this workspace and names a link of the campaign by index.
    const clickTokens = [...ada.replace(/=\r?\n/g, '').matchAll(/https:\/\/crm\.example\.com\/p\/c\/([A-Za-z0-9._-]+)/g)].map((m) => m[1]!);
    expect(clickTokens.length).toBeGreaterThan(0);
    for (const token of clickTokens) expect(await verifyPublicToken(db.kysely, token, 'click', T0)).toMatchObject({ campaignId: campaign.id, linkIndex: expect.any(Number) });
    expect(ada.replace(/=\r?\n/g, '')).not.toContain('href=3D"https://example.com/pricing"');

    // Running again sends nothing more.
    await runCampaignSend(db, ws, campaign.id, options());
    await sendCampaign(db, ws, campaign.id, options());
    expect(sink.received).toHaveLength(2);
  });

  it('fails a 5xx, retries a 4xx, and keeps an uncertain outcome out of every later run until released', async () => {
    for (const email of ['ok@example.com', 'nouser@example.com', 'busy@example.com', 'drop@example.com']) await subscribe(db.kysely, ws, 'Weekly', { email, confirmed: true }, 'cli', T0);
    sink.behaviour.set('nouser@example.com', 550);
    sink.behaviour.set('busy@example.com', { code: 451, times: 1 });
    sink.behaviour.set('drop@example.com', 'drop-after-data');
    const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: ISSUE, tracking: false }, T0);
    let clock = T0;
    const stats = await sendCampaign(db, ws, campaign.id, options({ clock: () => (clock += 10), retryBaseMs: 50 }));
    expect(stats).toMatchObject({ sent: 2, failed: 1, uncertain: 1, pending: 0, status: 'sent' });
    const rows = await listSendRows(db.kysely, { workspaceId: ws.id, campaignId: campaign.id });
    expect(rows.find((r) => r.email === 'busy@example.com')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(rows.find((r) => r.email === 'nouser@example.com')!.error).toMatch(/no such user/);
    expect(sink.received.filter((m) => m.to === 'drop@example.com')).toHaveLength(1);

    await runCampaignSend(db, ws, campaign.id, options());
    expect(sink.received.filter((m) => m.to === 'drop@example.com')).toHaveLength(1);
    sink.behaviour.delete('drop@example.com');
    expect(await releaseUncertain(db, ws, campaign.id, ['DROP@example.com'])).toEqual({ released: 1 });
    expect((await runCampaignSend(db, ws, campaign.id, options())).uncertain).toBe(0);
    expect(sink.received.filter((m) => m.to === 'drop@example.com')).toHaveLength(2);
  });

  it('turns the claims of a sender that stopped into uncertain rows, never into resends', async () => {
    for (const email of ['a@example.com', 'b@example.com']) await subscribe(db.kysely, ws, 'Weekly', { email, confirmed: true }, 'cli', T0);
    const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: ISSUE }, T0);
    await startCampaignSend(db, ws, campaign.id, T0);
    await db.kysely
      .updateTable('newsletter_sends')
      .set({ status: 'claimed', claimed_by: 'elsewhere:1:dead', claimed_at: T0 - 11 * 60_000, attempts: 1 })
      .where('email', '=', 'a@example.com')
      .execute();
    const stats = await runCampaignSend(db, ws, campaign.id, options());
    expect(stats).toMatchObject({ sent: 1, uncertain: 1 });
    expect(sink.received.map((m) => m.to)).toEqual(['b@example.com']);
  });

  it('refuses without public_url, and refuses a scheduled send beyond its late limit', async () => {
    await subscribe(db.kysely, ws, 'Weekly', { email: 'a@example.com', confirmed: true }, 'cli', T0);
    const campaign = await createCampaign(db.kysely, ws, { list: 'Weekly', markdown: ISSUE, late_limit_hours: 2 }, T0);
    const bare = await updateWorkspaceSettings(db.kysely, ws, { public_url: null }, T0);
    await expect(startCampaignSend(db, bare, campaign.id, T0)).rejects.toThrow(/public_url: set the address where people reach this Rapport/);
    await scheduleCampaign(db.kysely, ws, campaign.id, '2025-01-06T08:00:00', T0);
    await expect(startCampaignSend(db, ws, campaign.id, T0 + 3 * HOUR_MS)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/scheduled for 2025-01-06 08:00 \(UTC\) and would start 4\.0 h late, more than its limit of 2 h/),
    });
    expect((await campaignStats(db, ws, campaign.id)).total).toBe(0);
    expect(await startCampaignSend(db, ws, campaign.id, T0)).toEqual({ recipients: 1 });
  });
});
