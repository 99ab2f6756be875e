import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { T0 } from '../test/factories.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { campaignLinks } from './campaign-render.js';
import { tokenSecretOf } from './newsletter-keys.js';
import { CONFIRM_VALID_DAYS } from './public.service.js';
import { PUBLIC_RATE_LIMITS } from './public.routes.js';
import { subscribe } from './subscribers.service.js';
import { buildSend, eventsOf, statusOf } from './test-newsletter.js';
import { signToken, type TokenPayload } from './tokens.js';

let clock = T0;
let ipCounter = 0;
/** Each test its own client address, so the per-address rate limits of one do not reach another. */
const freshIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}

describe.each(testDialects())('newsletter public pages (%s)', (dialect) => {
  let f: ApiFixture;
  let a: Workspace;
  let b: Workspace;

  beforeAll(async () => {
    f = await setupApi(dialect, { now: () => clock });
    a = await updateWorkspaceSettings(f.db.kysely, f.a, { public_url: 'https://crm.alpha.example' }, T0);
    b = await updateWorkspaceSettings(f.db.kysely, f.b, { public_url: 'https://crm.beta.example' }, T0);
  });
  afterAll(async () => f.close());

  const sign = async (ws: Workspace, payload: Omit<TokenPayload, 'workspaceId'> & { workspaceId?: string }) =>
    signToken(await tokenSecretOf(f.db.kysely, ws.id, T0), { workspaceId: ws.id, ...payload });
  const get = (url: string, ip = freshIp()) => f.app.inject({ method: 'GET', url, remoteAddress: ip });
  const post = (url: string, body: string, ip = freshIp(), type = 'application/x-www-form-urlencoded') =>
    f.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': type }, remoteAddress: ip });
  let n = 0;
  const newSend = async (ws = a) => {
    n += 1;
    return buildSend(f.db, ws, `reader${n}@client.example`, `<issue${n}@alpha.example>`, { listName: `Weekly ${n}` });
  };

  /** A list of A with one confirmed subscriber. */
  const newList = async () => {
    const send = await newSend();
    return f.db.kysely.selectFrom('newsletter_lists').selectAll().where('id', '=', send.listId).executeTakeFirstOrThrow();
  };

  it('GET on the unsubscribe link changes nothing; POST from its page unsubscribes; the page resubscribes', async () => {
    const send = await newSend();
    const token = await sign(a, { kind: 'unsubscribe', subscriberId: send.subscriberId, campaignId: send.campaignId });
    const page = await get(`/p/u/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    expect(page.body).toContain(`Unsubscribe from Weekly ${n}?`);
    expect(page.body).toContain('<form method="post"');
    expect(page.body).not.toMatch(/<script/i);
    expect(await statusOf(f.db, a, send.subscriberId)).toMatchObject({ status: 'confirmed' });
    expect(await eventsOf(f.db, a, send.subscriberId)).toEqual([]);

    const done = await post(`/p/u/${token}`, 'action=unsubscribe');
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(`You are unsubscribed from Weekly ${n}`);
    expect(await statusOf(f.db, a, send.subscriberId)).toMatchObject({ status: 'unsubscribed' });
    expect(await eventsOf(f.db, a, send.subscriberId)).toEqual([{ kind: 'unsubscribe', campaign_id: send.campaignId, url: null, detail: null }]);
    // Twice is once.
    await post(`/p/u/${token}`, 'action=unsubscribe');
    expect(await eventsOf(f.db, a, send.subscriberId)).toHaveLength(1);

    const back = await post(`/p/u/${token}`, 'action=resubscribe');
    expect(back.body).toContain(`Welcome back to Weekly ${n}`);
    expect(await statusOf(f.db, a, send.subscriberId)).toMatchObject({ status: 'confirmed' });
  });

  it('a one-click POST (RFC 8058) unsubscribes without any cookie, urlencoded or multipart', async () => {
    const first = await newSend();
    const oneClick = await post(`/p/u/${await sign(a, { kind: 'unsubscribe', subscriberId: first.subscriberId, campaignId: first.campaignId })}`, 'List-Unsubscribe=One-Click');
    expect(oneClick.statusCode).toBe(200);
    expect(await statusOf(f.db, a, first.subscriberId)).toMatchObject({ status: 'unsubscribed' });

    const second = await newSend();
    const multipart = await post(
      `/p/u/${await sign(a, { kind: 'unsubscribe', subscriberId: second.subscriberId })}`,
      '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
      freshIp(),
      'multipart/form-data; boundary=x',
    );
    expect(multipart.statusCode).toBe(200);
    expect(await statusOf(f.db, a, second.subscriberId)).toMatchObject({ status: 'unsubscribed' });
  });

  it('a tampered or foreign token changes nothing: a token of workspace A cannot act on workspace B', async () => {
    const mine = await newSend(a);
    const theirs = await newSend(b);
    const token = await sign(a, { kind: 'unsubscribe', subscriberId: mine.subscriberId });
    const tampered = token.replace(mine.subscriberId, theirs.subscriberId);
    // B's workspace and subscriber, signed with A's secret.
    const forged = signToken(await tokenSecretOf(f.db.kysely, a.id, T0), { kind: 'unsubscribe', workspaceId: b.id, subscriberId: theirs.subscriberId });
    // A valid click token is no unsubscribe token.
    const otherKind = await sign(a, { kind: 'click', subscriberId: mine.subscriberId, campaignId: mine.campaignId, linkIndex: 0 });
    for (const bad of [tampered, forged, otherKind, 'v1.u.nonsense', `${token.slice(0, -2)}AA`]) {
      for (const res of [await get(`/p/u/${bad}`), await post(`/p/u/${bad}`, 'List-Unsubscribe=One-Click')]) {
        expect(res.statusCode, bad).toBe(400);
        expect(res.body).toContain('This link is not valid');
      }
    }
    expect(await statusOf(f.db, b, theirs.subscriberId)).toMatchObject({ status: 'confirmed' });
    expect(await statusOf(f.db, a, mine.subscriberId)).toMatchObject({ status: 'confirmed' });
  });

  it('the open pixel records an open and answers a GIF; a bad token is a GIF too and records nothing', async () => {
    const send = await newSend();
    await f.db.kysely.updateTable('newsletter_subscribers').set({ soft_bounces: 2 }).where('id', '=', send.subscriberId).execute();
    const res = await get(`/p/o/${await sign(a, { kind: 'open', subscriberId: send.subscriberId, campaignId: send.campaignId })}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
    expect(await eventsOf(f.db, a, send.subscriberId)).toEqual([{ kind: 'open', campaign_id: send.campaignId, url: null, detail: null }]);
    // An open proves delivery: the run of soft bounces is over.
    expect(await statusOf(f.db, a, send.subscriberId)).toMatchObject({ soft_bounces: 0 });
    const bad = await get('/p/o/v1.o.garbage');
    expect(bad.statusCode).toBe(200);
    expect(bad.headers['content-type']).toBe('image/gif');
    expect(await eventsOf(f.db, a, send.subscriberId)).toHaveLength(1);
  });

  it("the click redirect goes only to the campaign's own links and refuses a tampered token or an index it does not have", async () => {
    const send = await newSend();
    const click = (linkIndex: number) => sign(a, { kind: 'click', subscriberId: send.subscriberId, campaignId: send.campaignId, linkIndex });
    const token = await click(0);
    const res = await get(`/p/c/${token}?url=https://evil.example/`);
    expect(res.statusCode).toBe(302);
    const campaign = await f.db.kysely.selectFrom('newsletter_campaigns').selectAll().where('id', '=', send.campaignId).executeTakeFirstOrThrow();
    expect(res.headers.location).toMatch(/^https:\/\/example\.org\/\d+$/);
    expect(res.headers.location).toBe(campaignLinks(campaign)[0]);
    expect(await eventsOf(f.db, a, send.subscriberId)).toEqual([{ kind: 'click', campaign_id: send.campaignId, url: res.headers.location, detail: null }]);
    for (const bad of [await click(1), await click(99), token.replace(`.${send.campaignId}.`, '.nc_other.'), `${token.slice(0, -3)}abc`]) {
      const refused = await get(`/p/c/${bad}`);
      expect(refused.statusCode, bad).toBe(400);
      expect(refused.headers.location).toBeUndefined();
    }
    expect(await eventsOf(f.db, a, send.subscriberId)).toHaveLength(1);
  });

  it('the subscribe form: one confirmation mail an hour, the same answer whatever the address, and a link that confirms once', async () => {
    const list = await newList();
    const form = await get(`/p/s/${list.form_key}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`Subscribe to ${list.name}`);
    expect(form.body).toContain('<label for="email">');
    expect(form.body).not.toMatch(/<script/i);

    const before = f.smtp.received.length;
    const answer = await post(`/p/s/${list.form_key}`, 'email=New.Reader%40Example.com&name=New+Reader');
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Check your inbox');
    await until(() => f.smtp.received.length === before + 1);
    const sub = await f.db.kysely.selectFrom('newsletter_subscribers').selectAll().where('workspace_id', '=', a.id).where('email', '=', 'new.reader@example.com').executeTakeFirstOrThrow();
    expect(sub).toMatchObject({ status: 'unconfirmed', source: 'form', name: 'New Reader' });
    const mail = await simpleParser(f.smtp.received.at(-1)!.raw);
    expect(mail.to).toMatchObject({ text: 'new.reader@example.com' });
    const link = /https:\/\/crm\.alpha\.example(\/p\/confirm\/\S+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeDefined();

    // Again, and for an address that is already confirmed: the same page, and no mail.
    const again = await post(`/p/s/${list.form_key}`, 'email=new.reader%40example.com');
    const confirmedOne = (await f.db.kysely.selectFrom('newsletter_subscribers').select('email').where('list_id', '=', list.id).where('status', '=', 'confirmed').executeTakeFirstOrThrow()).email;
    const known = await post(`/p/s/${list.form_key}`, `email=${encodeURIComponent(confirmedOne)}`);
    expect(again.body).toBe(answer.body);
    expect(known.body).toBe(answer.body);
    // No new mail was started: the mailed link is still the one that confirms.
    const mailsLogged = await f.db.kysely.selectFrom('newsletter_confirm_mails').select('subscriber_id').where('workspace_id', '=', a.id).execute();
    expect(mailsLogged.filter((m) => m.subscriber_id === sub.id)).toHaveLength(1);
    expect(f.smtp.received.some((r) => r.to.includes(confirmedOne))).toBe(false);
    expect((await f.db.kysely.selectFrom('newsletter_subscribers').select('confirm_token_hash').where('id', '=', sub.id).executeTakeFirstOrThrow()).confirm_token_hash).toBe(sub.confirm_token_hash);
    expect(f.smtp.received.filter((r) => r.to.includes('new.reader@example.com'))).toHaveLength(1);

    // GET shows a button and changes nothing; POST confirms, once.
    const ask = await get(link!);
    expect(ask.body).toContain(`Confirm your subscription to ${list.name}`);
    expect(await statusOf(f.db, a, sub.id)).toMatchObject({ status: 'unconfirmed' });
    expect((await post(link!, '')).body).toContain(`You are subscribed to ${list.name}`);
    expect(await statusOf(f.db, a, sub.id)).toMatchObject({ status: 'confirmed' });
    await post(link!, '');
    expect((await eventsOf(f.db, a, sub.id)).map((e) => e.kind)).toEqual(['confirm']);
    // Used, then unsubscribed: the old link does not subscribe again.
    await f.db.kysely.updateTable('newsletter_subscribers').set({ status: 'unsubscribed' }).where('id', '=', sub.id).execute();
    expect((await post(link!, '')).statusCode).toBe(400);
    expect(await statusOf(f.db, a, sub.id)).toMatchObject({ status: 'unsubscribed' });
  });

  it('a confirmation link expires, and a new mail goes out only after an hour', async () => {
    const list = await newList();
    const before = f.smtp.received.length;
    clock = T0;
    await post(`/p/s/${list.form_key}`, 'email=late%40example.com');
    await until(() => f.smtp.received.length === before + 1);
    const link = /(\/p\/confirm\/\S+)/.exec((await simpleParser(f.smtp.received.at(-1)!.raw)).text ?? '')![1]!;
    try {
      clock = T0 + 59 * 60_000;
      await post(`/p/s/${list.form_key}`, 'email=late%40example.com');
      clock = T0 + CONFIRM_VALID_DAYS * 86_400_000 + 1;
      expect((await get(link)).statusCode).toBe(400);
      expect((await post(link, '')).statusCode).toBe(400);
      const sub = await f.db.kysely.selectFrom('newsletter_subscribers').selectAll().where('email', '=', 'late@example.com').executeTakeFirstOrThrow();
      expect(sub.status).toBe('unconfirmed');
      // Past the hour a new request mails a new link, and only that one confirms.
      await post(`/p/s/${list.form_key}`, 'email=late%40example.com');
      await until(() => f.smtp.received.length === before + 2);
      const fresh = /(\/p\/confirm\/\S+)/.exec((await simpleParser(f.smtp.received.at(-1)!.raw)).text ?? '')![1]!;
      expect((await post(fresh, '')).body).toContain('You are subscribed');
    } finally {
      clock = T0;
    }
  });

  it('the form refuses a bad address with a 400 page naming the field, and an unknown form key', async () => {
    const list = await newList();
    const bad = await post(`/p/s/${list.form_key}`, 'email=not-an-address');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a valid email address.');
    expect((await get('/p/s/nope')).statusCode).toBe(400);
    expect((await post('/p/s/nope', 'email=a%40example.com')).statusCode).toBe(400);
  });

  it(`the form is rate-limited: ${PUBLIC_RATE_LIMITS.form} posts a minute from one address, then a 429 page`, async () => {
    const list = await newList();
    const ip = freshIp();
    for (let i = 0; i < PUBLIC_RATE_LIMITS.form; i++) expect((await post(`/p/s/${list.form_key}`, `email=flood${i}%40example.com`, ip)).statusCode).toBe(200);
    const limited = await post(`/p/s/${list.form_key}`, 'email=flood-last%40example.com', ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Too many requests');
    expect(await f.db.kysely.selectFrom('newsletter_subscribers').select('id').where('email', '=', 'flood-last@example.com').executeTakeFirst()).toBeUndefined();
    // Another address is not held back.
    expect((await post(`/p/s/${list.form_key}`, 'email=other-client%40example.com')).statusCode).toBe(200);
  });

  it('a suppressed address gets the same answer and no mail', async () => {
    const send = await newSend();
    await f.db.kysely.insertInto('newsletter_suppressions').values({ workspace_id: a.id, email: 'gone@example.com', reason: 'bounced', detail: '', created_at: T0 }).execute();
    const list = await f.db.kysely.selectFrom('newsletter_lists').selectAll().where('id', '=', send.listId).executeTakeFirstOrThrow();
    const res = await post(`/p/s/${list.form_key}`, 'email=gone%40example.com');
    expect(res.body).toContain('Check your inbox');
    expect(await f.db.kysely.selectFrom('newsletter_subscribers').select('id').where('email', '=', 'gone@example.com').executeTakeFirst()).toBeUndefined();
    expect(f.smtp.received.some((r) => r.to.includes('gone@example.com'))).toBe(false);
    expect(await subscribe(f.db.kysely, a, list.id, { email: 'fine@example.com' }, 'cli', T0).then((s) => s.status)).toBe('unconfirmed');
  });

  it('members get the embeddable form of a list through the API; it posts to the public page, and B cannot read A\'s', async () => {
    const send = await newSend();
    const list = await f.db.kysely.selectFrom('newsletter_lists').selectAll().where('id', '=', send.listId).executeTakeFirstOrThrow();
    const res = await f.app.inject({ method: 'GET', url: `/api/v1/newsletter/lists/${list.id}/form`, headers: bearer(f.tokens.viewer) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toEqual({ list_id: list.id, url: `https://crm.alpha.example/p/s/${list.form_key}`, html: expect.stringContaining(`action="https://crm.alpha.example/p/s/${list.form_key}"`) });
    expect(body.html).toContain('name="email"');
    expect(body.html).not.toMatch(/<script/i);
    // The snippet's form, posted as a browser would, subscribes.
    expect((await post(new URL(body.url).pathname, 'email=embedded%40example.com')).body).toContain('Check your inbox');
    const byName = await f.app.inject({ method: 'GET', url: `/api/v1/newsletter/lists/${encodeURIComponent(list.name)}/form`, headers: bearer(f.tokens.viewer) });
    expect(byName.json().url).toBe(body.url);
    const foreign = await f.app.inject({ method: 'GET', url: `/api/v1/newsletter/lists/${list.id}/form`, headers: bearer(f.otherToken) });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('not_found');
  });
});
