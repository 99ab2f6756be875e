/** Done through the API and the CLI: a done reply ends the wait it answered, for every reader. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rapportJson } from '../../test/cli-in-process.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

describe.each(testDialects())('done reply through the API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  it('POST /today/{id}/done files the reply in the thread: /waiting is empty and the health counts the reply', async () => {
    const logged = await f.app.inject({
      method: 'POST',
      url: '/api/v1/interactions',
      headers: bearer(f.tokens.member),
      payload: { kind: 'email', direction: 'in', contact_ids: ['ada@client.example'], at: '2025-01-03T09:00:00Z', subject: 'Renewal', text: 'Can we talk about the renewal terms?' },
    });
    expect(logged.statusCode).toBe(201);
    const waiting = await f.app.inject({ url: '/api/v1/waiting', headers: bearer(f.tokens.viewer) });
    expect(waiting.json()).toMatchObject([{ subject: 'Renewal', thread_id: logged.json().id }]);
    const today = await f.app.inject({ url: '/api/v1/today', headers: bearer(f.tokens.viewer) });
    const reply = today.json().find((s: { kind: string }) => s.kind === 'reply');

    const done = await f.app.inject({ method: 'POST', url: `/api/v1/today/${reply.id}/done`, headers: bearer(f.tokens.member), payload: { note: 'Yes: Tuesday at 10?' } });

    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', interaction: { kind: 'email', direction: 'out', subject: 'Re: Renewal', thread_id: logged.json().id } });
    expect((await f.app.inject({ url: '/api/v1/waiting', headers: bearer(f.tokens.viewer) })).json()).toEqual([]);
    const health = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/health`, headers: bearer(f.tokens.viewer) });
    expect(health.json().metrics).toMatchObject({ open_waits: 0, replies: 1 });
    const thread = await f.app.inject({ url: `/api/v1/threads/${logged.json().id}`, headers: bearer(f.tokens.viewer) });
    expect(thread.json()).toMatchObject({ subject: 'Renewal', message_count: 2 });
  });
});

describe('done reply through the CLI', () => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    if (testDialects().includes('postgres')) {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url];
      cleanup = drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'rapport-done-cli-'));
      target = ['--data', dir];
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterEach(async () => cleanup());

  it('`today done` on a reply ends the wait in `waiting`, `today` and `health`', async () => {
    const rp = (...args: string[]) => rapportJson([...target, '--now', '2025-03-12T10:00:00Z'], ...args);
    await rp('init', '--name', 'Acme', '--me', 'me@acme.example');
    await rp('contacts', 'add', 'ada@client.example', '--name', 'Ada Lovelace');
    await rp('log', 'email', 'ada@client.example', '--direction', 'in', '--at', '2025-03-10T09:00:00Z', '--subject', 'Quote', '--text', 'Could you send a quote for 40 seats?');
    expect(await rp('waiting')).toMatchObject([{ subject: 'Quote' }]);
    const [reply] = (await rp('today')) as { id: string; kind: string }[];
    expect(reply).toMatchObject({ kind: 'reply' });

    const done = await rp('today', 'done', reply!.id, '--note', 'Here is the quote: 12,000 a year.');

    expect(done).toMatchObject({ status: 'done', interaction: { subject: 'Re: Quote', direction: 'out' } });
    expect(await rp('waiting')).toEqual([]);
    expect(((await rp('today')) as { kind: string }[]).filter((s) => s.kind === 'reply')).toEqual([]);
    expect(await rp('health', 'ada@client.example')).toMatchObject({ metrics: { open_waits: 0, replies: 1 } });
  });
});
