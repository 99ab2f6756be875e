import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';

describe.each(testDialects())('/api/v1/newsletter (%s)', (dialect) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await setupApi(dialect);
  });
  afterAll(async () => f.close());

  it('creates a list, imports and pages subscribers, creates and previews a campaign', async () => {
    const owner = bearer(f.tokens.owner);
    const list = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/lists', headers: owner, payload: { name: 'Launch' } });
    expect(list.statusCode, list.body).toBe(201);
    const id = list.json().id as string;
    const bad = await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/lists/${id}/imports`, headers: owner, payload: { csv: 'a@x.example\nnot-an-address\n', confirmed: true } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'validation', errors: [{ where: 'csv:2', reason: '"not-an-address" is not an email address' }] });
    const ok = await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/lists/${id}/imports`, headers: owner, payload: { csv: 'a@x.example,Al\nb@x.example\nc@x.example\n', confirmed: true } });
    expect(ok.json()).toMatchObject({ added: 3, status: 'confirmed' });
    const page = await f.app.inject({ url: `/api/v1/newsletter/lists/${id}/subscribers?limit=2`, headers: bearer(f.tokens.viewer) });
    expect(page.json()).toHaveLength(2);
    const next = await f.app.inject({ url: `/api/v1/newsletter/lists/${id}/subscribers?limit=2&cursor=${page.headers['x-next-cursor']}`, headers: bearer(f.tokens.viewer) });
    expect(next.json()).toHaveLength(1);

    const campaign = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/campaigns', headers: bearer(f.tokens.member), payload: { list: id, markdown: '---\nsubject: Hi {{first_name|you}}\n---\nSee [this](https://x.example/a).' } });
    expect(campaign.statusCode, campaign.body).toBe(201);
    expect(campaign.json()).toMatchObject({ status: 'draft', links: ['https://x.example/a'] });
    const preview = await f.app.inject({ url: `/api/v1/newsletter/campaigns/${campaign.json().id}/preview?subscriber=a@x.example`, headers: bearer(f.tokens.viewer) });
    expect(preview.json()).toMatchObject({ to: 'a@x.example', subject: 'Hi Al', recipients: 3 });
    // A preview opened or clicked in the app counts as no subscriber's open or click.
    expect(preview.json().html).toContain('href="https://x.example/a"');
    expect(preview.json().html).not.toMatch(/\/p\/[oc]\//);
    expect(preview.json().text).toContain('https://x.example/a');
    const typo = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/campaigns', headers: owner, payload: { list: id, markdown: '---\nsubject: x\n---\n{{frist_name}}' } });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().detail).toMatch(/unknown merge field \{\{frist_name\}\}/);
  });

  it('refuses to send without public_url, and a viewer may not send', async () => {
    const url = `/api/v1/newsletter/campaigns/${f.ids.campaignId}/send`;
    // The fixture's workspace has a public address: take it away first.
    const cleared = await f.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: bearer(f.tokens.owner), payload: { public_url: null } });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect((await f.app.inject({ method: 'POST', url, headers: bearer(f.tokens.viewer), payload: {} })).statusCode).toBe(403);
    const refused = await f.app.inject({ method: 'POST', url, headers: bearer(f.tokens.owner), payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toMatch(/public_url/);
  });

  it('keeps another workspace out of lists, subscribers and campaigns', async () => {
    const other = bearer(f.otherToken);
    for (const url of [`/api/v1/newsletter/lists/${f.ids.listId}`, `/api/v1/newsletter/lists/${f.ids.listId}/subscribers`, `/api/v1/newsletter/campaigns/${f.ids.campaignId}`, `/api/v1/newsletter/campaigns/${f.ids.campaignId}/stats`]) {
      const res = await f.app.inject({ url, headers: other });
      expect(res.statusCode, url).toBe(404);
    }
    expect((await f.app.inject({ url: '/api/v1/newsletter/lists', headers: other })).json()).toEqual([]);
    const patch = await f.app.inject({ method: 'PATCH', url: `/api/v1/newsletter/lists/${f.ids.listId}/subscribers/${f.ids.subscriberId}`, headers: other, payload: { status: 'unsubscribed' } });
    expect(patch.statusCode).toBe(404);
  });
});
