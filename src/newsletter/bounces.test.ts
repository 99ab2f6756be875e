import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { importPaths } from '../import/import.service.js';
import { corpus } from '../test/corpora.js';
import { buildWorkspace, T0 } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { SOFT_BOUNCE_LIMIT } from './bounces.service.js';
import { buildCampaignMessage } from './campaign-message.js';
import { compileCampaign } from './campaign-render.js';
import { tokenSecretOf } from './newsletter-keys.js';
import { campaignStats } from './sender.js';
import { isSuppressed, subscribe } from './subscribers.service.js';
import { buildSend, dsnMessage, eventsOf, statusOf } from './test-newsletter.js';

describe.each(testDialects())('bounces and complaints found by the mail import (%s)', (dialect) => {
  let db: Db;
  let ws: Workspace;
  let dir: string;

  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
    dir = mkdtempSync(join(tmpdir(), 'rapport-bounces-'));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.close();
  });

  const importFiles = (...paths: string[]) => importPaths(db, ws, paths, T0 + 60_000, { workers: 0 });
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, 'latin1');
    return path;
  };
  const contactCount = async () => Number((await db.kysely.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()).n);

  it('a DSN of the corpora suppresses the address on every list, creates no contact, and counts once when imported again', async () => {
    const send = await buildSend(db, ws, 'newsletter-request@imusic.com', '<31FC7EB4.41C6@netscape.com>', { listName: 'Weekly' });
    const other = await subscribe(db.kysely, ws, (await buildSend(db, ws, 'someone@else.example', '<other@acme.example>')).listId, { email: 'newsletter-request@imusic.com', confirmed: true }, 'cli', T0);
    const file = corpus('mime-mimekit/messages/delivery-status.txt');
    const summary = await importFiles(file);
    expect(summary).toMatchObject({ imported: 1, automated: 1, contacts_created: 0 });
    expect(await isSuppressed(db.kysely, ws.id, 'newsletter-request@imusic.com')).toBe(true);
    expect(await statusOf(db, ws, send.subscriberId)).toMatchObject({ status: 'bounced' });
    expect(await statusOf(db, ws, other.id)).toMatchObject({ status: 'bounced' });
    expect(await eventsOf(db, ws, send.subscriberId)).toEqual([{ kind: 'bounce_hard', campaign_id: send.campaignId, url: null, detail: expect.stringContaining('X-LOCAL; 500 (err.nosuchuser)') }]);
    expect(await campaignStats(db, ws, send.campaignId)).toMatchObject({ bounced: 1, complained: 0 });
    // The same file again (another name, so not a resumed import): stored once, counted once.
    const copy = write('again.eml', readFileSync(file, 'latin1'));
    expect((await importFiles(copy)).duplicates).toBe(1);
    expect(await eventsOf(db, ws, send.subscriberId)).toHaveLength(1);
    expect(await contactCount()).toBe(0);
  });

  it('a DSN matching no send of ours changes nothing', async () => {
    const send = await buildSend(db, ws, 'edwin@zzzzzzz.com', '<not-this-one@acme.example>');
    await importFiles(corpus('mime-mikel-mail/multipart_report_emails/report_530.eml'));
    expect(await statusOf(db, ws, send.subscriberId)).toMatchObject({ status: 'confirmed' });
    expect(await isSuppressed(db.kysely, ws.id, 'edwin@zzzzzzz.com')).toBe(false);
  });

  it(`soft bounces suppress after ${SOFT_BOUNCE_LIMIT} sends in a row; a delay and the failure of one send count once`, async () => {
    const sends = [];
    for (let n = 0; n < SOFT_BOUNCE_LIMIT; n++) sends.push(await buildSend(db, ws, 'full@example.net', `<issue${n}@acme.example>`, { listName: 'Weekly' }));
    const subscriberId = sends[0]!.subscriberId;
    await importFiles(write('d0.eml', dsnMessage('full@example.net', sends[0]!.messageId, 'delayed', '4.2.2', 0)), write('f0.eml', dsnMessage('full@example.net', sends[0]!.messageId, 'failed', '4.2.2', 1)));
    expect(await statusOf(db, ws, subscriberId)).toEqual({ status: 'confirmed', soft_bounces: 1 });
    for (let n = 1; n < SOFT_BOUNCE_LIMIT - 1; n++) await importFiles(write(`s${n}.eml`, dsnMessage('full@example.net', sends[n]!.messageId, 'failed', '4.2.2', 10 + n)));
    expect(await isSuppressed(db.kysely, ws.id, 'full@example.net')).toBe(false);
    await importFiles(write('last.eml', dsnMessage('full@example.net', sends[SOFT_BOUNCE_LIMIT - 1]!.messageId, 'failed', '4.4.7', 99)));
    expect(await statusOf(db, ws, subscriberId)).toEqual({ status: 'bounced', soft_bounces: SOFT_BOUNCE_LIMIT });
    expect(await isSuppressed(db.kysely, ws.id, 'full@example.net')).toBe(true);
    expect((await eventsOf(db, ws, subscriberId)).map((e) => e.kind)).toEqual(Array(SOFT_BOUNCE_LIMIT).fill('bounce_soft'));
  });

  it('an ARF complaint of the corpora suppresses the address as complained', async () => {
    const send = await buildSend(db, ws, 'user@example.com', '8787KJKJ3K4J3K4J3K4J3.mail@example.net');
    const summary = await importFiles(corpus('mime-mimekit/messages/feedback-report.txt'));
    expect(summary).toMatchObject({ imported: 1, contacts_created: 0 });
    expect(await statusOf(db, ws, send.subscriberId)).toMatchObject({ status: 'complained' });
    const suppression = await db.kysely.selectFrom('newsletter_suppressions').selectAll().where('workspace_id', '=', ws.id).executeTakeFirstOrThrow();
    expect(suppression).toMatchObject({ email: 'user@example.com', reason: 'complained' });
    expect((await eventsOf(db, ws, send.subscriberId)).map((e) => e.kind)).toEqual(['complaint']);
    expect(await campaignStats(db, ws, send.campaignId)).toMatchObject({ bounced: 0, complained: 1 });
  });

  it("a report imported into another workspace does not touch this one's subscribers", async () => {
    const send = await buildSend(db, ws, 'newsletter-request@imusic.com', '<31FC7EB4.41C6@netscape.com>');
    const other = await buildWorkspace(db);
    await importPaths(db, other, [corpus('mime-mimekit/messages/delivery-status.txt')], T0, { workers: 0 });
    expect(await statusOf(db, ws, send.subscriberId)).toMatchObject({ status: 'confirmed' });
    expect(await isSuppressed(db.kysely, ws.id, 'newsletter-request@imusic.com')).toBe(false);
  });

  it('a reply to an issue is a reply event that stops the drips, and stays a conversation', async () => {
    const send = await buildSend(db, ws, 'ada@client.example', '<issue7@acme.example>');
    const dripId = 'nd_1';
    await db.kysely.insertInto('newsletter_drips').values({ workspace_id: ws.id, id: dripId, list_id: send.listId, name: 'Welcome', is_active: 1, created_at: T0, updated_at: T0 }).execute();
    await db.kysely.insertInto('newsletter_drip_enrollments').values({ workspace_id: ws.id, drip_id: dripId, subscriber_id: send.subscriberId, started_at: T0, stopped_at: null, stop_reason: null }).execute();
    const reply = write(
      'reply.eml',
      ['From: Ada <ada@client.example>', 'To: news@acme.example', 'Subject: Re: This week', 'Message-ID: <r1@client.example>', 'In-Reply-To: <issue7@acme.example>', 'Date: Tue, 07 Jan 2025 11:00:00 +0000', '', 'Loved it, can we talk about your pricing?', ''].join('\r\n'),
    );
    expect(await importFiles(reply)).toMatchObject({ imported: 1, contacts_created: 1, automated: 0 });
    expect(await eventsOf(db, ws, send.subscriberId)).toEqual([{ kind: 'reply', campaign_id: send.campaignId, url: null, detail: 'r1@client.example' }]);
    const enrollment = await db.kysely.selectFrom('newsletter_drip_enrollments').selectAll().where('workspace_id', '=', ws.id).executeTakeFirstOrThrow();
    expect(enrollment).toMatchObject({ stop_reason: 'replied' });
    expect(Number(enrollment.stopped_at)).toBe(T0 + 60_000);
  });

  it('a reply deep in a long thread (more References than SQLite takes parameters) still finds its issue', async () => {
    const send = await buildSend(db, ws, 'ada@client.example', '<issue9@acme.example>');
    const refs = Array.from({ length: 17_000 }, (_, i) => `<m${i}@client.example>`).concat('<issue9@acme.example>');
    const reply = write(
      'long.eml',
      ['From: ada@client.example', 'To: news@acme.example', 'Subject: Re: This week', 'Message-ID: <r9@client.example>', `References: ${refs.join('\r\n ')}`, 'Date: Tue, 07 Jan 2025 11:00:00 +0000', '', 'Yes.', ''].join('\r\n'),
    );
    await importFiles(reply);
    expect((await eventsOf(db, ws, send.subscriberId)).map((e) => e.kind)).toEqual(['reply']);
  });

  it('our own issue found in a Sent folder is a newsletter: automated, no contact, no touch', async () => {
    const issue = (headers: string[]) =>
      [
        'From: Acme <me@acme.example>',
        'To: ada@client.example',
        'Subject: This week at Acme',
        'Date: Tue, 07 Jan 2025 09:00:00 +0000',
        ...headers,
        '',
        'Hello Ada, here is the news.',
        '',
      ].join('\r\n');
    await importFiles(
      write('campaign.eml', issue(['Message-ID: <i1@acme.example>', 'X-Rapport-Campaign: nc_1'])),
      write('one-click.eml', issue(['Message-ID: <i2@acme.example>', 'List-Unsubscribe: <https://crm.acme.example/p/u/x>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click'])),
      write('personal.eml', issue(['Message-ID: <i3@acme.example>'])),
    );
    const rows = await db.kysely.selectFrom('interactions').select(['message_id', 'kind', 'automated']).where('workspace_id', '=', ws.id).orderBy('message_id').execute();
    expect(rows.map((r) => ({ ...r, automated: Number(r.automated) }))).toEqual([
      { message_id: 'i1@acme.example', kind: 'newsletter', automated: 1 },
      { message_id: 'i2@acme.example', kind: 'newsletter', automated: 1 },
      { message_id: 'i3@acme.example', kind: 'email', automated: 0 },
    ]);
    // Only the personal mail made Ada a contact.
    expect(await contactCount()).toBe(1);
  });

  /** The campaign builder's own message for the send, as it went out. */
  async function builtIssue(target: Workspace, send: { campaignId: string; subscriberId: string; listId: string }, email: string) {
    return buildCampaignMessage(
      {
        workspaceId: target.id,
        campaignId: send.campaignId,
        listId: send.listId,
        listName: 'Weekly',
        tracking: true,
        compiled: compileCampaign({ subject: 'This week', preheader: '', body_md: 'Hello [site](https://example.org/)' }),
        publicUrl: 'https://crm.acme.example',
        secret: await tokenSecretOf(db.kysely, target.id, T0),
        fromAddress: 'me@acme.example',
        fromName: 'Acme',
      },
      { subscriberId: send.subscriberId, email, data: {} },
      T0,
    );
  }

  it("the campaign builder's message found in Sent is a newsletter; a mail to its List-Unsubscribe mailto unsubscribes", async () => {
    const send = await buildSend(db, ws, 'bob@client.example', '<x@acme.example>');
    const issue = await builtIssue(ws, send, 'bob@client.example');
    const mailto = /<mailto:([^?>]+)\?subject=([^>]+)>/.exec(issue.raw.toString('latin1').replace(/\r\n[ \t]+/g, ' '))!;
    expect(mailto[1]).toBe('me@acme.example');
    const request = write(
      'unsubscribe.eml',
      ['From: Bob <bob@client.example>', `To: ${mailto[1]}`, `Subject: ${decodeURIComponent(mailto[2]!)}`, 'Message-ID: <u1@client.example>', 'Date: Tue, 07 Jan 2025 12:00:00 +0000', '', 'This message was sent by your mail client to unsubscribe.', ''].join('\r\n'),
    );
    const summary = await importFiles(write('sent.eml', issue.raw.toString('latin1')), request);
    expect(summary).toMatchObject({ imported: 2, automated: 2, contacts_created: 0 });
    const kinds = await db.kysely.selectFrom('interactions').select(['message_id', 'kind']).where('workspace_id', '=', ws.id).orderBy('message_id').execute();
    expect(kinds).toContainEqual({ message_id: issue.messageId.replace(/[<>]/g, ''), kind: 'newsletter' });
    expect(await statusOf(db, ws, send.subscriberId)).toMatchObject({ status: 'unsubscribed' });
    expect(await eventsOf(db, ws, send.subscriberId)).toEqual([{ kind: 'unsubscribe', campaign_id: send.campaignId, url: null, detail: null }]);
  });

  it("an unsubscribe mail carrying another workspace's token changes nothing here or there", async () => {
    const other = await buildWorkspace(db);
    const theirs = await buildSend(db, other, 'carol@client.example', '<y@acme.example>');
    const issue = await builtIssue(other, theirs, 'carol@client.example');
    const subject = decodeURIComponent(/subject=([^>]+)>/.exec(issue.raw.toString('latin1').replace(/\r\n[ \t]+/g, ' '))![1]!);
    await importFiles(write('foreign.eml', ['From: carol@client.example', 'To: me@acme.example', `Subject: ${subject}`, 'Message-ID: <u2@client.example>', 'Date: Tue, 07 Jan 2025 12:00:00 +0000', '', 'x', ''].join('\r\n')));
    expect(await statusOf(db, other, theirs.subscriberId)).toMatchObject({ status: 'confirmed' });
  });
});
