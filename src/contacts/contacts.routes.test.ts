/** Contacts over HTTP: cursor pages, ETags and 409 on stale edits, the audit trail, health. */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { DAY_MS } from '../shared/time.js';
import { buildContact, T0 } from '../test/factories.js';
import { ContactSchema } from './contacts.openapi.js';
import { CONTACT_SORTS, STAGES, STATUSES, type Contact } from './contacts.schema.js';

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

  /** Every page of a listing, following the Link header. */
  async function pageThrough(url: string): Promise<Contact[]> {
    const seen: Contact[] = [];
    let next: string | undefined = url;
    while (next) {
      const res: LightMyRequestResponse = await f.app.inject({ url: next, headers: bearer(f.tokens.viewer) });
      expect(res.statusCode, `${next}: ${res.body}`).toBe(200);
      seen.push(...res.json());
      next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    }
    return seen;
  }

  it('pages each sort order and filter in the order of one long page, every contact once', async () => {
    // Ties on purpose (same names, same scores, no score, no touch) so that the id breaks them.
    const stages = [{ kind: 'prospect' }, { kind: 'personal' }, { kind: 'customer', client_since: T0 - 10 * DAY_MS }, { kind: 'customer', client_since: T0 - 400 * DAY_MS }] as const;
    for (let i = 0; i < 15; i++) {
      const { contact } = await buildContact(f.db, f.a, { name: `Zed ${i % 4}`, tags: i % 2 ? ['vip'] : [], ...stages[i % 4] });
      if (i % 5 === 4) await f.app.inject({ method: 'PATCH', url: `/api/v1/contacts/${contact.id}`, headers: bearer(f.tokens.member), payload: { lost: true } });
      if (i % 3 === 0) continue;
      await f.db.kysely
        .insertInto('contact_health')
        .values({ workspace_id: f.a.id, contact_id: contact.id, score: i % 4 === 0 ? null : 40 + (i % 3) * 20, status: STATUSES[i % 4], slipping: 0, stage: 'established', last_touch_at: i % 4 === 1 ? null : T0 - (i % 3) * DAY_MS, metrics: '{}', factors: '{}', computed_at: T0 })
        .onConflict((oc) => oc.columns(['workspace_id', 'contact_id']).doNothing())
        .execute();
    }
    const queries = [...CONTACT_SORTS.map((s) => `sort=${s}`), ...STAGES.map((s) => `stage=${s}`), 'status=cooling&sort=health', 'tag=vip&sort=last-touch', 'q=zed%201'];
    for (const query of queries) {
      const whole = (await f.app.inject({ url: `/api/v1/contacts?limit=2000&${query}`, headers: bearer(f.tokens.viewer) })).json() as Contact[];
      const paged = await pageThrough(`/api/v1/contacts?limit=2&${query}`);
      expect(paged.map((c) => c.id), query).toEqual(whole.map((c) => c.id));
      expect(new Set(paged.map((c) => c.id)).size, query).toBe(paged.length);
    }
    // The stage filter in SQL agrees with the stage every contact is presented with.
    const all = await pageThrough('/api/v1/contacts?limit=3');
    expect(all).toHaveLength(16);
    for (const stage of STAGES) {
      const filtered = await pageThrough(`/api/v1/contacts?limit=3&stage=${stage}`);
      expect(filtered.map((c) => c.id).sort(), stage).toEqual(all.filter((c) => c.stage === stage).map((c) => c.id).sort());
    }
    expect(new Set(all.map((c) => c.stage))).toEqual(new Set(STAGES));
    const byHealth = (await f.app.inject({ url: '/api/v1/contacts?limit=2000&sort=health', headers: bearer(f.tokens.viewer) })).json() as Contact[];
    const scores = byHealth.map((c) => c.health?.score ?? null);
    // Worst first, unscored last.
    expect(scores).toEqual([...scores.filter((s) => s !== null).sort((a, b) => a! - b!), ...scores.filter((s) => s === null)]);
  });

  it('sorts by company, stage and tags with empty ones last and ties by name then id, on every page', async () => {
    const people = [
      { name: 'Bo', company: 'beta', tags: ['zeta', 'Alpha'] },
      { name: 'Al', company: 'Beta', tags: ['alpha', 'zeta'] },
      { name: 'Al', company: null, tags: [] },
      { name: 'Cy', company: 'alpha', tags: ['beta'], kind: 'prospect' },
      { name: 'Al', company: 'Gamma', tags: ['alpha'], kind: 'personal' },
      { name: 'Di', company: null, tags: ['alpha', 'beta'], client_since: T0 - 400 * DAY_MS },
      { name: 'Al', company: 'alpha', tags: [] },
    ] as const;
    const built: Contact[] = [];
    for (const p of people) built.push((await buildContact(f.db, f.a, { ...p, tags: [...p.tags] })).contact);
    await f.app.inject({ method: 'PATCH', url: `/api/v1/contacts/${built[1]!.id}`, headers: bearer(f.tokens.member), payload: { lost: true } });
    const all = await pageThrough('/api/v1/contacts?limit=2000');
    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const tie = (a: Contact, b: Contact) => byText(a.name, b.name) || byText(a.id, b.id);
    const text = (c: Contact, sort: 'company' | 'tags') => (sort === 'company' ? (c.company ?? '').toLowerCase() : [...c.tags].map((t) => t.toLowerCase()).sort().join(', '));
    const expected = {
      company: [...all].sort((a, b) => Number(!a.company) - Number(!b.company) || byText(text(a, 'company'), text(b, 'company')) || tie(a, b)),
      tags: [...all].sort((a, b) => Number(a.tags.length === 0) - Number(b.tags.length === 0) || byText(text(a, 'tags'), text(b, 'tags')) || tie(a, b)),
      stage: [...all].sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || tie(a, b)),
    };
    // The seeded contact of the fixture has no company, no tags and is established: the ties are real.
    expect(expected.company.at(-1)?.company).toBeNull();
    for (const sort of ['company', 'stage', 'tags'] as const) {
      const whole = (await f.app.inject({ url: `/api/v1/contacts?limit=2000&sort=${sort}`, headers: bearer(f.tokens.viewer) })).json() as Contact[];
      expect(whole.map((c) => c.id), sort).toEqual(expected[sort].map((c) => c.id));
      for (const limit of [1, 2, 3]) {
        const paged = await pageThrough(`/api/v1/contacts?limit=${limit}&sort=${sort}`);
        expect(paged.map((c) => c.id), `${sort}, pages of ${limit}`).toEqual(whole.map((c) => c.id));
      }
    }
    const stages = (await pageThrough('/api/v1/contacts?limit=2&sort=stage')).map((c) => c.stage);
    expect(new Set(stages)).toEqual(new Set(['prospect', 'honeymoon', 'established', 'personal', 'lost']));
  });

  it('refuses a cursor whose contact is gone, and a page larger than 2,000', async () => {
    const { contact } = await buildContact(f.db, f.a, { name: 'Zoe' });
    const first = await f.app.inject({ url: '/api/v1/contacts?limit=1&sort=name', headers: bearer(f.tokens.viewer) });
    expect(first.headers['x-next-cursor']).toBeDefined();
    const cursor = Buffer.from(contact.id).toString('base64url');
    await f.db.kysely.deleteFrom('contact_emails').where('contact_id', '=', contact.id).execute();
    await f.db.kysely.deleteFrom('contacts').where('id', '=', contact.id).execute();
    const stale = await f.app.inject({ url: `/api/v1/contacts?limit=1&cursor=${cursor}`, headers: bearer(f.tokens.viewer) });
    expect(stale.statusCode).toBe(400);
    expect(stale.json()).toMatchObject({ code: 'validation', errors: [{ where: 'query.cursor', reason: 'stale' }] });
    const big = await f.app.inject({ url: '/api/v1/contacts?limit=2001', headers: bearer(f.tokens.viewer) });
    expect(big.statusCode).toBe(400);
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
