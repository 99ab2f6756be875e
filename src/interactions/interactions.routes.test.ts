/** Interactions over HTTP: logging keeps health current and refuses strangers, one interaction, one thread. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { toMbox } from '../health/test-mail.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { importPaths } from '../import/import.service.js';
import { buildContact, T0 } from '../test/factories.js';
import { logInteraction } from './interactions.service.js';

describe.each(testDialects())('interactions API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  const countInteractions = async () => Number((await f.db.kysely.selectFrom('interactions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it("refuses to log with a contact of another workspace or an unknown id, and writes nothing", async () => {
    const { contact: theirs } = await buildContact(f.db, f.b, { email: 'bob@beta.example' });
    const before = await countInteractions();
    await expect(logInteraction(f.db.kysely, f.a, { kind: 'call', contact_ids: [f.ids.contactId!, theirs.id], at: T0 }, T0)).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(theirs.id),
    });
    await expect(logInteraction(f.db.kysely, f.a, { kind: 'note', contact_ids: ['ct_00000000000000000'], at: T0 }, T0)).rejects.toMatchObject({ code: 'not_found' });
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/interactions', headers: bearer(f.tokens.member), payload: { kind: 'call', contact_ids: ['bob@beta.example'] } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found', detail: expect.stringContaining('bob@beta.example') });
    expect(await countInteractions()).toBe(before);
  });

  it('keeps the stored health current when a call is logged through the API, as the CLI does', async () => {
    const at = '2025-01-06T08:30:00Z';
    const logged = await f.app.inject({ method: 'POST', url: '/api/v1/interactions', headers: bearer(f.tokens.member), payload: { kind: 'call', contact_ids: ['ada@client.example'], at, text: 'talked about the renewal' } });
    expect(logged.statusCode).toBe(201);
    const contact = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}`, headers: bearer(f.tokens.viewer) });
    expect(contact.json().last_touch_at).toBe(new Date(at).toISOString());
  });

  it('reads one interaction by id, and not with another workspace\'s token', async () => {
    const url = `/api/v1/interactions/${f.ids.interactionId}`;
    const res = await f.app.inject({ url, headers: bearer(f.tokens.viewer) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: f.ids.interactionId, kind: 'call', contact_ids: [f.ids.contactId] });
    expect((await f.app.inject({ url, headers: bearer(f.otherToken) })).statusCode).toBe(404);
    expect((await f.app.inject({ url: '/api/v1/interactions/ix_nothing00000000', headers: bearer(f.tokens.viewer) })).json()).toMatchObject({ code: 'not_found' });
  });

  it('reads an imported thread with its messages oldest first, and a logged interaction as a thread of one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-thread-'));
    try {
      const mbox = join(dir, 'mail.mbox');
      writeFileSync(mbox, toMbox([
        { id: 't1@x', from: 'ada@client.example', to: ['me@acme.example'], subject: 'Invoice question', at: '2025-01-02T10:00:00Z', text: 'Could you explain the second line?' },
        { id: 't2@x', from: 'me@acme.example', to: ['ada@client.example'], subject: 'Re: Invoice question', at: '2025-01-02T12:00:00Z', replyTo: 't1@x', text: 'Of course: it is the support plan.' },
        { id: 't3@x', from: 'ada@client.example', to: ['me@acme.example'], subject: 'Re: Invoice question', at: '2025-01-03T09:00:00Z', replyTo: 't2@x', text: 'Thanks, that makes sense.' },
      ]));
      await importPaths(f.db, f.a, [mbox], T0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const timeline = (await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/timeline`, headers: bearer(f.tokens.viewer) })).json();
    const threadId = timeline.find((i: { subject: string | null }) => i.subject === 'Invoice question').thread_id;
    const thread = await f.app.inject({ url: `/api/v1/threads/${threadId}`, headers: bearer(f.tokens.viewer) });
    expect(thread.statusCode).toBe(200);
    expect(thread.json()).toMatchObject({ id: threadId, subject: 'Invoice question', message_count: 3, first_at: '2025-01-02T10:00:00.000Z', last_at: '2025-01-03T09:00:00.000Z', contact_ids: [f.ids.contactId] });
    expect(thread.json().interactions.map((i: { direction: string }) => i.direction)).toEqual(['in', 'out', 'in']);

    const single = await f.app.inject({ url: `/api/v1/threads/${f.ids.interactionId}`, headers: bearer(f.tokens.viewer) });
    expect(single.json()).toMatchObject({ id: f.ids.interactionId, message_count: 1, interactions: [{ id: f.ids.interactionId }] });
    // A message inside a thread is read through its thread, not as a thread of its own.
    const member = thread.json().interactions[1].id;
    expect((await f.app.inject({ url: `/api/v1/threads/${member}`, headers: bearer(f.tokens.viewer) })).statusCode).toBe(404);
    expect((await f.app.inject({ url: `/api/v1/threads/${threadId}`, headers: bearer(f.otherToken) })).statusCode).toBe(404);
  });
});
