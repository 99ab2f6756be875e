import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { listOpenWaits } from '../health/health.service.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { addAccount } from './accounts.service.js';
import { loadMailKey } from './secret-box.js';
import { loadSuggestionDeps } from '../suggestions/suggestions.deps.js';
import { findSuggestionOrThrow, listToday } from '../suggestions/suggestions.service.js';
import { sendMessage } from './send.service.js';
import { syncAccounts } from './sync.service.js';
import { hasDovecot, startDovecot, type TestDovecot } from './test-dovecot.js';
import { startSmtp, type TestSmtp } from './test-smtp.js';

const NOW = Date.parse('2025-03-06T12:00:00Z');
const KEY = loadMailKey({ secret: 'a test secret of enough length', dataDir: '/nonexistent' });

const ASK = `From: Ada Lovelace <ada@client.example>
To: me@acme.example
Subject: Figures
Date: Mon, 03 Mar 2025 09:00:00 +0000
Message-ID: <c1@client.example>

Could you send the updated figures?
`;
const NUDGE = `From: Ada Lovelace <ada@client.example>
To: me@acme.example
Subject: Re: Figures
Date: Mon, 03 Mar 2025 15:00:00 +0000
Message-ID: <c2@client.example>
In-Reply-To: <c1@client.example>
References: <c1@client.example>

Any update on this?
`;

describe.skipIf(!hasDovecot).each(testDialects())('sending a reply over SMTP (%s)', (dialect) => {
  let db: Db;
  let ws: Workspace;
  let dovecot: TestDovecot;
  let smtp: TestSmtp;

  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db, { me: ['me@acme.example'] });
    dovecot = await startDovecot();
    smtp = await startSmtp({ password: dovecot.password });
  });
  afterEach(async () => {
    await smtp.close();
    await dovecot.close();
    await db.close();
  });

  it('threads the reply, appends it to Sent, and closes the wait at once', async () => {
    await dovecot.append('INBOX', ASK.replaceAll('\n', '\r\n'));
    await dovecot.append('INBOX', NUDGE.replaceAll('\n', '\r\n'));
    const acc = await addAccount(
      db.kysely,
      ws,
      { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: `smtp://${dovecot.user}@127.0.0.1:${smtp.port}`, password: dovecot.password, address: 'me@acme.example' },
      KEY,
      NOW,
    );
    expect((await syncAccounts(db, ws, KEY, NOW, acc.id, { backoffMs: 100 })).imported).toBe(2);
    const [wait] = await listOpenWaits(db.kysely, ws, NOW);
    expect(wait?.contact.email).toBe('ada@client.example');

    const sent = await sendMessage(db, ws, KEY, { contact: 'ada@client.example', reply_to_thread: wait!.thread_id, body: 'Here they are, **Ada**.\n\n- Q1: 12\n- Q2: 15' }, NOW);
    expect(sent).toMatchObject({ to: 'ada@client.example', subject: 'Re: Figures', appended_to_sent: true, thread_id: wait!.thread_id });

    expect(smtp.received).toHaveLength(1);
    const delivered = smtp.received[0]!;
    expect(delivered).toMatchObject({ from: 'me@acme.example', to: ['ada@client.example'], user: dovecot.user });
    const mail = await simpleParser(delivered.raw);
    expect(mail.messageId).toBe(sent.message_id);
    expect(mail.inReplyTo).toBe('<c2@client.example>');
    expect(mail.references).toEqual(['<c1@client.example>', '<c2@client.example>']);
    expect(mail.subject).toBe('Re: Figures');
    expect(mail.html).toContain('<strong>Ada</strong>');
    expect(mail.text).toContain('Q1: 12');

    const c = await dovecot.client();
    await c.mailboxOpen('Sent');
    expect(await c.search({ header: { 'message-id': sent.message_id } }, { uid: true })).toHaveLength(1);
    await c.logout();

    // The wait ended with the send itself, before any sync.
    expect(await listOpenWaits(db.kysely, ws, NOW + 1000)).toEqual([]);
    const stored = await db.kysely.selectFrom('interactions').select(['direction', 'source']).where('id', '=', sent.interaction_id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ direction: 'out', source: `smtp:${acc.id}/sent/${sent.message_id}` });

    // The copy in Sent is the same message: the next sync stores nothing new.
    const next = await syncAccounts(db, ws, KEY, NOW + 1000, acc.id, { backoffMs: 100 });
    expect(next).toMatchObject({ imported: 0, duplicates: 1, failures: [] });
  });

  it("carries out Today's reply suggestion: done with the sent message as its only interaction; another contact's is refused before sending", async () => {
    await dovecot.append('INBOX', ASK.replaceAll('\n', '\r\n'));
    const acc = await addAccount(
      db.kysely,
      ws,
      { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: `smtp://${dovecot.user}@127.0.0.1:${smtp.port}`, password: dovecot.password, address: 'me@acme.example' },
      KEY,
      NOW,
    );
    await syncAccounts(db, ws, KEY, NOW, acc.id, { backoffMs: 100 });
    const { createContact } = await import('../contacts/contacts.service.js');
    await createContact(db.kysely, ws, { email: 'bo@client.example', name: 'Bo' }, NOW);
    const reply = (await listToday(db.kysely, ws, NOW, { limit: 20 }, loadSuggestionDeps)).find((s) => s.kind === 'reply')!;
    expect(reply.contact.email).toBe('ada@client.example');
    const [wait] = await listOpenWaits(db.kysely, ws, NOW);

    await expect(sendMessage(db, ws, KEY, { contact: 'bo@client.example', subject: 'Hi', body: 'x', suggestion: reply.id }, NOW)).rejects.toMatchObject({ code: 'validation', message: /^suggestion: .* is for Ada Lovelace, not Bo/ });
    await expect(sendMessage(db, ws, KEY, { contact: 'ada@client.example', reply_to_thread: wait!.thread_id, body: 'x', suggestion: 'sg_nope' }, NOW)).rejects.toMatchObject({ code: 'not_found' });
    expect(smtp.received).toHaveLength(0);

    const sent = await sendMessage(db, ws, KEY, { contact: 'ada@client.example', reply_to_thread: wait!.thread_id, body: reply.draft ?? 'Here they are.', suggestion: reply.id }, NOW);
    expect(sent.suggestion).toEqual({ id: reply.id, status: 'done' });
    expect((await findSuggestionOrThrow(db.kysely, ws, reply.id, NOW)).status).toBe('done');
    expect(await listOpenWaits(db.kysely, ws, NOW + 1000)).toEqual([]);
    const out = await db.kysely.selectFrom('interactions').select('id').where('workspace_id', '=', ws.id).where('direction', '=', 'out').execute();
    expect(out.map((r) => r.id)).toEqual([sent.interaction_id]);
    expect((await listToday(db.kysely, ws, NOW + 60_000, { limit: 20 }, loadSuggestionDeps)).filter((s) => s.kind === 'reply')).toEqual([]);
    // Done once: the same suggestion cannot be carried out twice.
    await expect(sendMessage(db, ws, KEY, { contact: 'ada@client.example', reply_to_thread: wait!.thread_id, body: 'again', suggestion: reply.id }, NOW)).rejects.toMatchObject({ code: 'conflict' });
    expect(smtp.received).toHaveLength(1);
  });

  it('says what failed when the SMTP server refuses the login, and records nothing', async () => {
    const acc = await addAccount(
      db.kysely,
      ws,
      { imap: `imap://${dovecot.user}@127.0.0.1:${dovecot.port}`, smtp: `smtp://${dovecot.user}@127.0.0.1:${smtp.port}`, password: 'not the password', address: 'me@acme.example' },
      KEY,
      NOW,
    );
    const { createContact } = await import('../contacts/contacts.service.js');
    await createContact(db.kysely, ws, { email: 'bo@client.example', name: 'Bo' }, NOW);
    await expect(sendMessage(db, ws, KEY, { contact: 'bo@client.example', subject: 'Hello', body: 'Hi', account: acc.id }, NOW)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/^sending failed: login: SMTP server 127\.0\.0\.1:\d+ refused user ada/),
    });
    expect(smtp.received).toHaveLength(0);
    const count = await db.kysely.selectFrom('interactions').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('needs a subject for a new conversation and an account to send from', async () => {
    const { createContact } = await import('../contacts/contacts.service.js');
    await createContact(db.kysely, ws, { email: 'bo@client.example', name: 'Bo' }, NOW);
    await expect(sendMessage(db, ws, KEY, { contact: 'bo@client.example', subject: 'Hi', body: 'x' }, NOW)).rejects.toMatchObject({ code: 'validation', message: /no mail account/ });
    await addAccount(db.kysely, ws, { imap: 'imap://me@127.0.0.1:1', smtp: 'smtp://me@127.0.0.1:1', password: 'x', address: 'me@acme.example' }, KEY, NOW);
    await expect(sendMessage(db, ws, KEY, { contact: 'bo@client.example', body: 'x' }, NOW)).rejects.toMatchObject({ code: 'validation', message: /subject/ });
    await expect(sendMessage(db, ws, KEY, { contact: 'nobody@client.example', subject: 'Hi', body: 'x' }, NOW)).rejects.toMatchObject({ code: 'not_found' });
  });
});
