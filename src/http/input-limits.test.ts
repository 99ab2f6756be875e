/**
 * Bad input gets a 400 naming the field and stores nothing a later read cannot show: times
 * outside 1900–2200, references to another workspace, unbounded lists, LIKE wildcards in
 * search. Every test ends by reading the workspace's lists and exports.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findUserRowByEmail } from '../auth/auth.repo.js';
import { testDialects } from '../db/test-db.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { buildContact, T0 } from '../test/factories.js';
import { PROBLEM_CONTENT_TYPE } from './error-handler.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

const READS = ['/api/v1/contacts', '/api/v1/today', '/api/v1/waiting', '/api/v1/exports/contacts.csv', '/api/v1/exports/contacts.vcf', '/api/v1/reports', '/api/v1/commitments', '/api/v1/knowledge'];

describe.each(testDialects())('input limits on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  async function call(method: 'POST' | 'PATCH' | 'GET', url: string, payload?: unknown) {
    return f.app.inject({ method, url, headers: bearer(f.tokens.owner), payload: payload as object });
  }

  async function expectRefused(method: 'POST' | 'PATCH', url: string, payload: unknown, field: string, status = 400) {
    const res = await call(method, url, payload);
    const label = `${method} ${url} ${JSON.stringify(payload).slice(0, 100)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    expect(res.statusCode, label).toBe(status);
    expect(res.headers['content-type'], label).toBe(PROBLEM_CONTENT_TYPE);
    expect(JSON.stringify(res.json().errors ?? []) + res.json().detail, label).toContain(field);
  }

  async function expectReadsAnswer() {
    for (const url of READS) {
      const res = await call('GET', url);
      expect(res.statusCode, `${url} → ${res.body.slice(0, 300)}`).toBe(200);
    }
  }

  it('refuses every time outside 1900–2200 with a 400 naming the field, and every read still answers', async () => {
    const contact = `/api/v1/contacts/${f.ids.contactId}`;
    for (const client_since of [8640000000000001, -8640000000000001, Date.UTC(1899, 11, 31), Date.UTC(2200, 0, 2)]) {
      await expectRefused('PATCH', contact, { client_since }, 'client_since');
      await expectRefused('POST', '/api/v1/contacts', { email: `new${client_since}@client.example`, client_since }, 'client_since');
    }
    for (const at of [8640000000000001, -1e15, '2300-01-01T00:00:00Z', '1850-06-01', '+275760-09-13T00:00:00Z']) {
      await expectRefused('POST', '/api/v1/interactions', { kind: 'call', contact_ids: [f.ids.contactId], at }, 'at');
    }
    await expectRefused('POST', '/api/v1/commitments', { contact: f.ids.contactId, text: 'call', due_at: '9999-12-31' }, 'due_at');
    await expectRefused('PATCH', `/api/v1/commitments/${f.ids.commitmentId}`, { due_at: '0001-01-01T00:00:00Z' }, 'due_at');
    await expectRefused('POST', `/api/v1/today/${f.ids.suggestionId}/snooze`, { until: '2999-01-01' }, 'until');
    await expectRefused('POST', `/api/v1/contacts/${f.ids.contactId}/facts`, { kind: 'important_date', text: 'birthday', date: '1066-10-14' }, 'date');
    await expectRefused('PATCH', `/api/v1/facts/${f.ids.factId}`, { date: '2201-01-01' }, 'date');
    const timeline = await call('GET', `/api/v1/contacts/${f.ids.contactId}/timeline?before=2999-01-01`);
    expect(timeline.statusCode).toBe(400);
    expect(timeline.json().errors[0].where).toBe('querystring.before');

    // The bounds themselves are fine.
    expect((await call('PATCH', contact, { client_since: Date.UTC(1900, 0, 1) })).statusCode).toBe(200);
    expect((await call('POST', '/api/v1/interactions', { kind: 'call', contact_ids: [f.ids.contactId], at: '2199-12-31T00:00:00Z' })).statusCode).toBe(201);
    await expectReadsAnswer();
  });

  it('keeps every read answering when a stored time is out of range (written before the checks)', async () => {
    const { contact } = await buildContact(f.db, f.a, { email: 'old@client.example' });
    await f.db.kysely.updateTable('contacts').set({ client_since: 8640000000000001 }).where('id', '=', contact.id).execute();
    const ix = await logInteraction(f.db.kysely, f.a, { kind: 'call', contact_ids: [contact.id], at: T0 - 1000 }, T0);
    await f.db.kysely.updateTable('interactions').set({ occurred_at: -8640000000000001 }).where('id', '=', ix.id).execute();
    await expectReadsAnswer();
    const res = await call('GET', `/api/v1/contacts/${contact.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().client_since).toBe('+275760-09-13T00:00:00.000Z');
    expect((await call('GET', `/api/v1/contacts/${contact.id}/timeline`)).statusCode).toBe(200);
  });

  it("refuses an owner who is not a member of the caller's workspace", async () => {
    const other = (await findUserRowByEmail(f.db.kysely, 'owner@beta.example'))!.id;
    const contact = `/api/v1/contacts/${f.ids.contactId}`;
    for (const owner_id of [other, 'usr_nobody', 'x'.repeat(5000)]) {
      await expectRefused('PATCH', contact, { owner_id }, 'owner_id');
      await expectRefused('POST', '/api/v1/contacts', { email: 'owned@client.example', owner_id }, 'owner_id');
    }
    const member = f.ids.userId!;
    const res = await call('PATCH', contact, { owner_id: member });
    expect(res.statusCode).toBe(200);
    expect(res.json().owner_id).toBe(member);
    expect((await call('PATCH', contact, { owner_id: null })).json().owner_id).toBeNull();
  });

  it("refuses a knowledge share by another workspace's interaction, or one not with that contact", async () => {
    const { contact: theirs } = await buildContact(f.db, f.b, { email: 'theirs@client.example' });
    const foreign = await logInteraction(f.db.kysely, f.b, { kind: 'call', contact_ids: [theirs.id], at: T0 - 1000 }, T0);
    const url = `/api/v1/knowledge/${f.ids.knowledgeId}/shares`;
    await expectRefused('POST', url, { contact: f.ids.contactId, interaction_id: foreign.id }, foreign.id, 404);
    const { contact: someoneElse } = await buildContact(f.db, f.a, { email: 'else@client.example' });
    await expectRefused('POST', url, { contact: someoneElse.id, interaction_id: f.ids.interactionId }, 'interaction_id');
    const res = await call('POST', url, { contact: f.ids.contactId, interaction_id: f.ids.interactionId });
    expect(res.statusCode).toBe(200);
    expect(res.json().shared_with).toHaveLength(1);
  });

  it('refuses lists of more than 100 items and overlong strings', async () => {
    const many = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));
    const contact = `/api/v1/contacts/${f.ids.contactId}`;
    await expectRefused('PATCH', contact, { tags: many(10_000, (i) => `t${i}`) }, 'tags');
    await expectRefused('PATCH', contact, { phones: many(10_000, (i) => `+1 555 ${i}`) }, 'phones');
    await expectRefused('PATCH', contact, { add_emails: many(101, (i) => `a${i}@client.example`) }, 'add_emails');
    await expectRefused('POST', '/api/v1/contacts', { email: 'list@client.example', emails: many(101, (i) => `b${i}@client.example`) }, 'emails');
    await expectRefused('POST', '/api/v1/interactions', { kind: 'call', contact_ids: [f.ids.contactId], behaviors: many(101, () => 'interest') }, 'behaviors');
    await expectRefused('POST', '/api/v1/interactions', { kind: 'call', contact_ids: many(101, () => f.ids.contactId!) }, 'contact_ids');
    await expectRefused('PATCH', '/api/v1/settings', { competitors: many(101, (i) => `Rival ${i}`) }, 'competitors');
    await expectRefused('PATCH', '/api/v1/settings', { honeymoon_days: 1e15 }, 'honeymoon_days');
    await expectRefused('PATCH', '/api/v1/settings', { sla: { default_s: null, by_tag: {}, by_contact: Object.fromEntries(many(101, (i) => `ct_${i}`).map((id) => [id, 3600])) } }, 'by_contact');
    expect((await call('PATCH', contact, { tags: many(100, (i) => `t${i}`) })).statusCode).toBe(200);
    await expectReadsAnswer();
  });

  it('refuses a row version beyond what the database stores, as a 400 naming it (PostgreSQL answered 500)', async () => {
    await expectRefused('PATCH', `/api/v1/contacts/${f.ids.contactId}`, { name: 'Ada', version: 8640000000000001 }, 'version');
    await expectRefused('PATCH', `/api/v1/webhooks/${f.ids.webhookId}`, { description: 'x', version: 2 ** 31 }, 'version');
    await expectReadsAnswer();
  });

  it('takes an own domain with LIKE wildcards and a trailing backslash as text (PostgreSQL answered 500)', async () => {
    const res = await call('PATCH', '/api/v1/settings', { own_domains: ['%_\\'] });
    expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
    await expectReadsAnswer();
  });

  it('searches for % _ and \\ as text', async () => {
    await buildContact(f.db, f.a, { email: 'under_score@client.example', name: 'Una Score' });
    await buildContact(f.db, f.a, { email: 'pct@client.example', name: '100% Pure' });
    await buildContact(f.db, f.a, { email: 'slash@client.example', name: 'Back\\Slash' });
    await buildContact(f.db, f.a, { email: 'tagged@client.example', name: 'Tagged', tags: ['50%_off'] });
    const names = async (query: string) => (await call('GET', `/api/v1/contacts?${query}`)).json().map((c: { name: string }) => c.name).sort();
    expect(await names('q=_')).toEqual(['Una Score']);
    expect(await names('q=%25')).toEqual(['100% Pure']);
    expect(await names('q=%5C')).toEqual(['Back\\Slash']);
    expect(await names('q=0%25')).toEqual(['100% Pure']);
    expect(await names('tag=50%25_off')).toEqual(['Tagged']);
    expect(await names('tag=50%25')).toEqual([]);
    expect(await names('q=ada')).toEqual(['Ada']);
  });
});
