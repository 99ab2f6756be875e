/**
 * The newsletter's lists past their first page over HTTP, on both engines: subscribers and
 * campaigns page with a cursor and say their total in X-Total-Count, subscribers are found by
 * part of their address, and another workspace cannot page into this one. A scheduled campaign
 * the worker found past its late limit reads `missed` with when and why, and can be
 * rescheduled or sent now; uncertain recipients are listed with their reason and settled; the
 * preview page has its own policy that shows https images and runs no script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { testDialects } from '../db/test-db.js';
import { T0 } from '../test/factories.js';
import { newsletterDueJob } from './newsletter.jobs.js';
import { insertSendRows } from './sends.repo.js';

const HOUR = 3_600_000;

describe.each(testDialects())('newsletter paging and campaign state over HTTP (%s)', (dialect) => {
  let f: ApiFixture;
  let listId: string;
  beforeAll(async () => {
    f = await setupApi(dialect);
    const list = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/lists', headers: bearer(f.tokens.owner), payload: { name: 'Thousands', from_address: 'news@alpha.example' } });
    listId = list.json().id;
    const csv = Array.from({ length: 150 }, (_, i) => `reader${String(i).padStart(3, '0')}@x.example`).join('\n');
    const imported = await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/lists/${listId}/imports`, headers: bearer(f.tokens.owner), payload: { csv, confirmed: true } });
    expect(imported.json()).toMatchObject({ added: 150 });
  });
  afterAll(async () => f.close());

  const get = (url: string, token = f.tokens.viewer) => f.app.inject({ url, headers: bearer(token) });

  it('pages 150 subscribers by 100 with the total, and finds them by part of the address', async () => {
    const first = await get(`/api/v1/newsletter/lists/${listId}/subscribers?limit=100`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toHaveLength(100);
    expect(first.headers['x-total-count']).toBe('150');
    const second = await get(`/api/v1/newsletter/lists/${listId}/subscribers?limit=100&cursor=${first.headers['x-next-cursor']}`);
    expect(second.json()).toHaveLength(50);
    expect(second.headers['x-next-cursor']).toBeUndefined();
    const all = [...first.json(), ...second.json()].map((s: { email: string }) => s.email);
    expect(new Set(all).size).toBe(150);

    const found = await get(`/api/v1/newsletter/lists/${listId}/subscribers?email=${encodeURIComponent('READER14')}`);
    expect(found.json().map((s: { email: string }) => s.email)).toEqual(Array.from({ length: 10 }, (_, i) => `reader14${i}@x.example`));
    expect(found.headers['x-total-count']).toBe('10');
    // LIKE's wildcards are plain characters in a search.
    const wild = await get(`/api/v1/newsletter/lists/${listId}/subscribers?email=${encodeURIComponent('reader_0%')}`);
    expect([wild.json(), wild.headers['x-total-count']]).toEqual([[], '0']);
  });

  it('pages campaigns newest first with the total', async () => {
    for (const n of [1, 2, 3]) {
      const made = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/campaigns', headers: bearer(f.tokens.member), payload: { list: listId, markdown: `---\nsubject: Issue ${n}\n---\nHello.` } });
      expect(made.statusCode, made.body).toBe(201);
    }
    const everything = await get('/api/v1/newsletter/campaigns?limit=500');
    const total = everything.json().length as number;
    expect(everything.headers['x-total-count']).toBe(String(total));
    const first = await get('/api/v1/newsletter/campaigns?limit=2');
    expect(first.json().map((c: { subject: string }) => c.subject)).toEqual(['Issue 3', 'Issue 2']);
    expect(first.headers['x-total-count']).toBe(String(total));
    const rest = await get(`/api/v1/newsletter/campaigns?limit=500&cursor=${first.headers['x-next-cursor']}`);
    expect([...first.json(), ...rest.json()].map((c: { id: string }) => c.id)).toEqual(everything.json().map((c: { id: string }) => c.id));
  });

  it('keeps another workspace out of the pages, even with this workspace’s cursor', async () => {
    const first = await get(`/api/v1/newsletter/lists/${listId}/subscribers?limit=100`);
    const cursor = first.headers['x-next-cursor'] as string;
    const other = bearer(f.otherToken);
    expect((await f.app.inject({ url: `/api/v1/newsletter/lists/${listId}/subscribers?cursor=${cursor}`, headers: other })).statusCode).toBe(404);
    const own = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/lists', headers: other, payload: { name: 'Beta news' } });
    await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/lists/${own.json().id}/imports`, headers: other, payload: { csv: 'zed@beta.example\nyan@beta.example\n', confirmed: true } });
    const paged = await f.app.inject({ url: `/api/v1/newsletter/lists/${own.json().id}/subscribers?cursor=${cursor}&email=reader`, headers: other });
    expect([paged.json(), paged.headers['x-total-count']]).toEqual([[], '0']);
    const theirs = await f.app.inject({ url: `/api/v1/newsletter/lists/${own.json().id}/subscribers?cursor=${cursor}`, headers: other });
    expect(theirs.json().map((s: { email: string }) => s.email).sort()).toEqual(['yan@beta.example', 'zed@beta.example']);
    const campaigns = await f.app.inject({ url: `/api/v1/newsletter/campaigns?cursor=${(await get('/api/v1/newsletter/campaigns?limit=1')).headers['x-next-cursor']}`, headers: other });
    expect([campaigns.json(), campaigns.headers['x-total-count']]).toEqual([[], '0']);
  });

  it('marks a campaign the worker found past its late limit missed; it can be rescheduled or sent now', async () => {
    const made = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/campaigns', headers: bearer(f.tokens.member), payload: { list: listId, markdown: '---\nsubject: Monday note\n---\nHello.' } });
    const id = made.json().id as string;
    const scheduleAt = (at: number, token = f.tokens.member) =>
      f.app.inject({ method: 'POST', url: `/api/v1/newsletter/campaigns/${id}/schedule`, headers: bearer(token), payload: { at: new Date(at).toISOString() } });
    expect((await scheduleAt(T0 - 8 * HOUR, f.tokens.viewer)).statusCode).toBe(403);
    expect((await scheduleAt(T0 - 8 * HOUR)).json()).toMatchObject({ status: 'scheduled', missed_at: null });
    const worker = { db: f.db, now: () => T0, enqueue: async () => undefined, services: { mailKey: () => Buffer.alloc(32), allowPrivateWebhooks: false }, signal: new AbortController().signal };
    await newsletterDueJob.run({}, worker as never);

    const campaign = (await get(`/api/v1/newsletter/campaigns/${id}`)).json();
    expect(campaign).toMatchObject({ status: 'missed', missed_at: new Date(T0).toISOString() });
    expect(campaign.missed_reason).toMatch(/^not started: it was scheduled for .* and would start 8\.0 h late, more than its limit of 6 h$/);
    expect((await get('/api/v1/newsletter/campaigns?limit=500')).json().find((c: { id: string }) => c.id === id)).toMatchObject({ status: 'missed' });
    expect((await get(`/api/v1/newsletter/campaigns/${id}/stats`)).json()).toMatchObject({ status: 'missed', missed_reason: campaign.missed_reason, total: 0 });
    // Another workspace sees none of it.
    expect((await f.app.inject({ url: `/api/v1/newsletter/campaigns/${id}/stats`, headers: bearer(f.otherToken) })).statusCode).toBe(404);

    // Rescheduled: scheduled again, the note gone.
    expect((await scheduleAt(T0 + HOUR)).json()).toMatchObject({ status: 'scheduled', missed_at: null, missed_reason: null });
    // Missed again, then sent now.
    await scheduleAt(T0 - 8 * HOUR);
    await newsletterDueJob.run({}, worker as never);
    expect((await get(`/api/v1/newsletter/campaigns/${id}`)).json().status).toBe('missed');
    expect((await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/campaigns/${id}/send`, headers: bearer(f.tokens.member), payload: { rate: 0 } })).statusCode).toBe(403);
    const sent = await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/campaigns/${id}/send`, headers: bearer(f.tokens.owner), payload: { rate: 0 } });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({ total: 150, missed_at: null, missed_reason: null });
    expect(['sending', 'sent']).toContain(sent.json().status);
  });

  it('lists uncertain recipients with their reason, and records them as sent', async () => {
    const made = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/campaigns', headers: bearer(f.tokens.member), payload: { list: listId, markdown: '---\nsubject: Cut off\n---\nHello.' } });
    const id = made.json().id as string;
    const subscriber = (await get(`/api/v1/newsletter/lists/${listId}/subscribers?limit=1`)).json()[0];
    await f.db.kysely.updateTable('newsletter_campaigns').set({ status: 'sent', started_at: T0, finished_at: T0 }).where('id', '=', id).execute();
    const reason = 'the connection was lost after the message was handed over: ECONNRESET';
    await insertSendRows(f.db.kysely, [
      { workspace_id: f.a.id, campaign_id: id, subscriber_id: subscriber.id, email: subscriber.email, status: 'uncertain', claimed_by: null, claimed_at: T0 - HOUR, attempts: 1, next_attempt_at: null, message_id: null, sent_at: null, error: reason },
    ]);
    const uncertain = await get(`/api/v1/newsletter/campaigns/${id}/uncertain`);
    expect(uncertain.json()).toEqual([{ subscriber_id: subscriber.id, email: subscriber.email, reason, at: new Date(T0 - HOUR).toISOString() }]);
    expect((await f.app.inject({ url: `/api/v1/newsletter/campaigns/${id}/uncertain`, headers: bearer(f.otherToken) })).statusCode).toBe(404);
    const released = await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/campaigns/${id}/release`, headers: bearer(f.tokens.owner), payload: { emails: [subscriber.email], as_sent: true } });
    expect(released.json()).toEqual({ released: 1 });
    expect((await get(`/api/v1/newsletter/campaigns/${id}/uncertain`)).json()).toEqual([]);
    expect((await get(`/api/v1/newsletter/campaigns/${id}/stats`)).json()).toMatchObject({ sent: 1, uncertain: 0 });
  });

  it('serves the preview as its own page: https images allowed, no script, sandboxed', async () => {
    const made = await f.app.inject({
      method: 'POST',
      url: '/api/v1/newsletter/campaigns',
      headers: bearer(f.tokens.member),
      payload: { list: listId, markdown: '---\nsubject: Pictures\n---\n![Our studio](https://images.example/studio.jpg)' },
    });
    const page = await get(`/api/v1/newsletter/campaigns/${made.json().id}/preview.html`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('src="https://images.example/studio.jpg"');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain('img-src https: data:');
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/(^|; )sandbox($|;)/);
    expect(csp).not.toMatch(/script-src/);
    // The app's own policy is unchanged.
    const app = await get('/api/v1/newsletter/lists');
    expect(String(app.headers['content-security-policy'])).toMatch(/img-src 'self' data:/);
    expect((await f.app.inject({ url: `/api/v1/newsletter/campaigns/${made.json().id}/preview.html`, headers: bearer(f.otherToken) })).statusCode).toBe(404);
  });
});
