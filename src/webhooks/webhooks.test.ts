/**
 * Webhooks: Standard Webhooks signatures, SSRF refusal, delivery with retries and backoff to
 * a real local HTTP server, and events emitted by API writes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { T0 } from '../test/factories.js';
import { deliverDue, RETRY_DELAYS_MS } from './delivery.js';
import { signWebhook } from './signing.js';
import { isPrivateAddress, refusedTargetReason } from './ssrf.js';
import { testDialects } from '../db/test-db.js';

describe('Standard Webhooks signature', () => {
  it('matches the reference test vector of the specification', () => {
    // From github.com/standard-webhooks/standard-webhooks (libraries' shared test case).
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });
});

describe('SSRF protection', () => {
  it.each([
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.16.0.1', true], ['192.168.1.1', true], ['169.254.169.254', true],
    ['100.64.0.1', true], ['0.0.0.0', true], ['::1', true], ['fe80::1', true], ['fd00::1', true], ['::ffff:127.0.0.1', true],
    ['224.0.0.1', true], ['93.184.215.14', false], ['2606:4700::1111', false], ['8.8.8.8', false],
  ])('%s private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it.each([
    '::ffff:0:7f00:1', '::127.0.0.1', '::ffff:7f00:1', '::ffff:0:a9fe:a9fe', '0:0:0:0:0:ffff:a9fe:a9fe', '::', '::0.0.0.1',
    '2002:7f00:1::', '2002:a9fe:a9fe::', '2002:c0a8:101::1', '64:ff9b::7f00:1', '64:ff9b::8.8.8.8', '64:ff9b:1::a00:1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:db8::1', 'fd00:ec2::254', 'fec0::1', 'ff02::1', '100::1', '3fff::1',
    '192.88.99.1', '198.18.0.1', '255.255.255.255', 'not-an-address',
  ])('%s, an IPv6 form that carries a private IPv4 address or a reserved range, is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['::ffff:8.8.8.8', '::ffff:0808:0808', '2a00:1450:4001:82b::200e', '1.1.1.1'])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses every URL form of a private target', async () => {
    for (const url of ['http://[::ffff:0:7f00:1]/', 'http://[::127.0.0.1]/', 'http://[2002:7f00:1::]/', 'http://[2002:a9fe:a9fe::]/', 'http://[::ffff:127.0.0.1]:8080/x',
      'http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://[64:ff9b::a9fe:a9fe]/latest/meta-data', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/']) {
      expect(await refusedTargetReason(url, false), url).toMatch(/private|loopback|reserved/);
    }
  });

  it('refuses loopback names and private literals unless allowed', async () => {
    expect(await refusedTargetReason('http://localhost:8080/x', false)).toContain('loopback');
    expect(await refusedTargetReason('http://[::1]/x', false)).toContain('::1');
    expect(await refusedTargetReason('http://169.254.169.254/latest/meta-data', false)).toContain('169.254.169.254');
    expect(await refusedTargetReason('http://127.0.0.1/x', true)).toBeNull();
  });
});

describe.each(testDialects())('webhook delivery on %s', (dialect) => {
  let f: ApiFixture;
  let server: Server;
  let received: { headers: IncomingHttpHeaders; body: string }[];
  let answer: number;
  let url: string;

  beforeEach(async () => {
    f = await setupApi(dialect);
    // The fixture's own webhook gets every event too (the suggestions of its Today among
    // them); these tests count their own.
    await f.db.kysely.updateTable('webhooks').set({ active: 0 }).where('id', '=', f.ids.webhookId!).execute();
    await f.db.kysely.deleteFrom('webhook_deliveries').where('webhook_id', '=', f.ids.webhookId!).execute();
    received = [];
    answer = 500;
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await f.close();
  });

  it('refuses a private target through the API with a 400 naming the address', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(f.tokens.admin), payload: { url } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation', errors: [{ where: 'url' }] });
    expect(res.json().detail).toContain('127.0.0.1');
  });

  it('signs, retries with backoff and logs every attempt', async () => {
    const created = await f.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(f.tokens.admin), payload: { url: 'https://93.184.215.14/h', events: ['interaction.created'] } });
    const hook = created.json();
    expect(hook.secret).toMatch(/^whsec_/);
    // Point it at the local server directly in storage: the API refuses private targets.
    await f.db.kysely.updateTable('webhooks').set({ url }).where('id', '=', hook.id).execute();
    const logged = await f.app.inject({ method: 'POST', url: '/api/v1/interactions', headers: bearer(f.tokens.member), payload: { kind: 'call', contact_ids: ['ada@client.example'], text: 'hello' } });
    expect(logged.statusCode).toBe(201);

    expect(await deliverDue(f.db.kysely, T0, { allowPrivate: true })).toEqual({ succeeded: 0, failed: 1 });
    expect(await deliverDue(f.db.kysely, T0 + RETRY_DELAYS_MS[0]! - 1, { allowPrivate: true })).toEqual({ succeeded: 0, failed: 0 });
    answer = 204;
    expect(await deliverDue(f.db.kysely, T0 + RETRY_DELAYS_MS[0]!, { allowPrivate: true })).toEqual({ succeeded: 1, failed: 0 });

    expect(received).toHaveLength(2);
    const last = received[1]!;
    const payload = JSON.parse(last.body);
    expect(payload).toMatchObject({ type: 'interaction.created', data: { id: logged.json().id, kind: 'call' } });
    const id = last.headers['webhook-id'] as string;
    const ts = Number(last.headers['webhook-timestamp']);
    expect(ts).toBe(Math.floor((T0 + RETRY_DELAYS_MS[0]!) / 1000));
    expect(last.headers['webhook-signature']).toBe(signWebhook(hook.secret, id, ts, last.body));

    const log = await f.app.inject({ url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: bearer(f.tokens.admin) });
    expect(log.json()).toEqual([expect.objectContaining({ id, status: 'succeeded', attempts: 2, response_status: 204, event_type: 'interaction.created' })]);
  });

  it('refuses to connect to a private address at delivery time unless allowed', async () => {
    const hook = (await f.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(f.tokens.admin), payload: { url: 'https://93.184.215.14/h' } })).json();
    await f.db.kysely.updateTable('webhooks').set({ url: url.replace('127.0.0.1', 'localhost') }).where('id', '=', hook.id).execute();
    await f.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: bearer(f.tokens.member), payload: { email: 'new@client.example' } });
    expect(await deliverDue(f.db.kysely, T0, { allowPrivate: false })).toEqual({ succeeded: 0, failed: 1 });
    expect(received).toHaveLength(0);
    const [delivery] = (await f.app.inject({ url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: bearer(f.tokens.admin) })).json();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, event_type: 'contact.created' });
    expect(delivery.last_error).toContain('private');
  });

  it('stops delivering to a private target saved while private targets were allowed, once they are not (a restart without the flag)', async () => {
    for (const [i, target] of [url, url.replace('127.0.0.1', 'localhost')].entries()) {
      received = [];
      answer = 204;
      const created = await f.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(f.tokens.admin), payload: { url: 'https://93.184.215.14/h', events: ['contact.created'] } });
      const hook = created.json();
      await f.db.kysely.updateTable('webhooks').set({ url: target }).where('id', '=', hook.id).execute();
      await f.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: bearer(f.tokens.member), payload: { email: `new${i}@client.example` } });
      expect(await deliverDue(f.db.kysely, T0, { allowPrivate: false }), target).toEqual({ succeeded: 0, failed: 1 });
      expect(received, target).toHaveLength(0);
      const [delivery] = (await f.app.inject({ url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: bearer(f.tokens.admin) })).json();
      expect(delivery.last_error, target).toMatch(/private|reserved/);
      // Allowed again (the flag is back): the retry is delivered to the real local server.
      expect(await deliverDue(f.db.kysely, T0 + RETRY_DELAYS_MS[0]!, { allowPrivate: true }), target).toEqual({ succeeded: 1, failed: 0 });
      expect(received, target).toHaveLength(1);
      await f.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${hook.id}`, headers: bearer(f.tokens.admin) });
    }
  });

  it('gives up after the last retry', async () => {
    const hook = (await f.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(f.tokens.admin), payload: { url: 'https://93.184.215.14/h' } })).json();
    await f.db.kysely.updateTable('webhooks').set({ url }).where('id', '=', hook.id).execute();
    await f.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: bearer(f.tokens.member), payload: { email: 'new@client.example' } });
    let at = T0;
    for (let i = 0; i <= RETRY_DELAYS_MS.length; i++) {
      await deliverDue(f.db.kysely, at, { allowPrivate: true });
      at += RETRY_DELAYS_MS[i] ?? 0;
    }
    const [delivery] = (await f.app.inject({ url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: bearer(f.tokens.admin) })).json();
    expect(delivery).toMatchObject({ status: 'failed', attempts: RETRY_DELAYS_MS.length + 1, next_attempt_at: null, response_status: 500 });
    expect(received).toHaveLength(RETRY_DELAYS_MS.length + 1);
  });
});
