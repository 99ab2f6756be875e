/** Contacts over HTTP: cursor pages, ETags and 409 on stale edits, the audit trail, health. */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../http/test-server.js';
import { buildContact } from '../test/factories.js';
import { ContactSchema } from './contacts.openapi.js';

describe.each(testDialects())('contacts API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  it('pages through every contact once with the cursor of the Link header', async () => {
    for (let i = 0; i < 6; i++) await buildContact(f.db, f.a, { name: `Zed ${i}` });
    const seen: string[] = [];
    let url: string | undefined = '/api/v1/contacts?limit=3&sort=name';
    while (url) {
      const res: LightMyRequestResponse = await f.app.inject({ url, headers: bearer(f.tokens.viewer) });
      expect(res.statusCode).toBe(200);
      for (const c of res.json()) seen.push(ContactSchema.parse(c).id);
      url = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('answers 409 to an edit based on a stale version, and never overwrites', async () => {
    const url = `/api/v1/contacts/${f.ids.contactId}`;
    const read = await f.app.inject({ url, headers: bearer(f.tokens.member) });
    expect(read.headers.etag).toBe('"1"');
    const first = await f.app.inject({ method: 'PATCH', url, headers: { ...bearer(f.tokens.member), 'if-match': '"1"' }, payload: { name: 'Ada L.' } });
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    const stale = await f.app.inject({ method: 'PATCH', url, headers: { ...bearer(f.tokens.admin), 'if-match': '"1"' }, payload: { name: 'Overwritten' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('conflict');
    const staleBody = await f.app.inject({ method: 'PATCH', url, headers: bearer(f.tokens.admin), payload: { name: 'Overwritten', version: 1 } });
    expect(staleBody.statusCode).toBe(409);
    expect((await f.app.inject({ url, headers: bearer(f.tokens.viewer) })).json()).toMatchObject({ name: 'Ada L.', version: 2 });
  });

  it('refuses a stale settings edit with 409', async () => {
    const read = await f.app.inject({ url: '/api/v1/settings', headers: bearer(f.tokens.admin) });
    const etag = read.headers.etag as string;
    const ok = await f.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { ...bearer(f.tokens.admin), 'if-match': etag }, payload: { competitors: ['Globex'] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().competitors).toEqual(['Globex']);
    expect(ok.json().time_zone).toBe(read.json().time_zone);
    const stale = await f.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: { ...bearer(f.tokens.admin), 'if-match': etag }, payload: { competitors: [] } });
    expect(stale.statusCode).toBe(409);
    const bad = await f.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: bearer(f.tokens.admin), payload: { time_zone: 'Mars/Olympus' } });
    expect(bad.statusCode).toBe(400);
  });

  it('records who changed what in the audit log', async () => {
    await f.app.inject({ method: 'PATCH', url: `/api/v1/contacts/${f.ids.contactId}`, headers: bearer(f.tokens.member), payload: { name: 'Ada B.', tags: ['vip'] } });
    await f.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: bearer(f.tokens.member), payload: { email: 'new@client.example' } });
    const res = await f.app.inject({ url: '/api/v1/audit?limit=10', headers: bearer(f.tokens.admin) });
    const [created, updated] = res.json();
    expect(updated).toMatchObject({ action: 'contact.update', actor: { type: 'token' }, target: { type: 'contact', id: f.ids.contactId }, changes: ['name', 'tags'] });
    expect(created).toMatchObject({ action: 'contact.create', target: { type: 'contact', id: expect.stringMatching(/^ct_/) }, changes: ['email'] });
    const other = await f.app.inject({ url: '/api/v1/audit', headers: bearer(f.otherToken) });
    expect(other.json()).toEqual([]);
  });

  it('serves health, timeline and waiting as the CLI prints them', async () => {
    const health = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/health`, headers: bearer(f.tokens.viewer) });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ contact: { id: f.ids.contactId }, factors: { responsiveness: expect.any(Object) }, metrics: expect.any(Object) });
    const timeline = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/timeline`, headers: bearer(f.tokens.viewer) });
    expect(timeline.json()).toEqual([expect.objectContaining({ id: f.ids.interactionId, kind: 'call' })]);
    const waiting = await f.app.inject({ url: '/api/v1/waiting', headers: bearer(f.tokens.viewer) });
    expect(waiting.json()).toEqual([]);
  });
});
