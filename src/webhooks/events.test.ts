/**
 * The events other domains announce, delivered to a real HTTP receiver on loopback:
 * interaction.created, wait.opened, contact.status_changed and suggestion.created, through
 * the API and through the command line (a real `rapport` process), on both engines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { openDatabase, type Db } from '../db/database.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { toMbox } from '../health/test-mail.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { T0 } from '../test/factories.js';
import { resolveWorkspace, updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { deliverDue } from './delivery.js';
import type { EventType } from './webhooks.schema.js';
import { createWebhook } from './webhooks.service.js';

const EVENTS: EventType[] = ['interaction.created', 'wait.opened', 'contact.status_changed', 'suggestion.created'];
const LATER = Date.parse('2030-01-01T00:00:00Z');

interface Received {
  type: EventType;
  data: Record<string, unknown> & { contact?: { id: string; email: string | null } };
}

/** A webhook receiver on loopback that keeps what it is sent. */
async function startReceiver() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.headers['webhook-signature']) received.push(JSON.parse(body));
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Sends everything pending (as the server's worker would) and returns what arrived since last time. */
async function deliverAll(db: Db, received: Received[]): Promise<Received[]> {
  const start = received.length;
  while ((await deliverDue(db.kysely, LATER, { allowPrivate: true })).succeeded > 0);
  return received.slice(start);
}

const types = (events: Received[]) => events.map((e) => e.type).sort();

describe.each(testDialects())('webhook events through the API on %s', (dialect) => {
  let f: ApiFixture;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    f = await setupApi(dialect);
    // Only this receiver's hook: the fixture's own one heard the fixture being built.
    await f.db.kysely.updateTable('webhooks').set({ active: 0 }).where('id', '=', f.ids.webhookId!).execute();
    await f.db.kysely.deleteFrom('webhook_deliveries').where('webhook_id', '=', f.ids.webhookId!).execute();
    receiver = await startReceiver();
    await createWebhook(f.db.kysely, f.a, { url: receiver.url, events: EVENTS }, T0, true);
  });
  afterEach(async () => {
    await receiver.close();
    await f.close();
  });

  it('announces a logged inbound email as interaction.created and wait.opened, a logged call only as created', async () => {
    const email = await f.app.inject({
      method: 'POST', url: '/api/v1/interactions', headers: bearer(f.tokens.member),
      payload: { kind: 'email', direction: 'in', contact_ids: ['ada@client.example'], subject: 'A quote?', text: 'Can you send me a quote?', at: '2025-01-06T07:00:00Z' },
    });
    expect(email.statusCode).toBe(201);
    const events = await deliverAll(f.db, receiver.received);
    // An unanswered question may also lower Ada's status; that is announced as it happens.
    const stored = (await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}`, headers: bearer(f.tokens.viewer) })).json();
    for (const e of events.filter((x) => x.type === 'contact.status_changed')) expect(e.data.to).toBe(stored.health.status);
    expect(types(events.filter((e) => e.type !== 'contact.status_changed'))).toEqual(['interaction.created', 'wait.opened']);
    expect(events.find((e) => e.type === 'interaction.created')!.data).toMatchObject({ id: email.json().id, kind: 'email', direction: 'in' });
    expect(events.find((e) => e.type === 'wait.opened')!.data).toEqual({
      contact: { id: f.ids.contactId, name: 'Ada', email: 'ada@client.example' },
      thread_id: email.json().id, subject: 'A quote?', since: '2025-01-06T07:00:00.000Z', wait_s: 7200, wait_business_s: 0, nudges: 0, competitors: [],
    });
    // The wait is the one GET /waiting lists.
    const waiting = (await f.app.inject({ url: '/api/v1/waiting', headers: bearer(f.tokens.viewer) })).json();
    expect(waiting).toEqual([expect.objectContaining({ thread_id: email.json().id, since: '2025-01-06T07:00:00.000Z' })]);

    await f.app.inject({ method: 'POST', url: '/api/v1/interactions', headers: bearer(f.tokens.member), payload: { kind: 'call', contact_ids: ['ada@client.example'], at: '2025-01-06T08:00:00Z' } });
    expect(types(await deliverAll(f.db, receiver.received))).toEqual(['interaction.created']);
  });

  it('announces contact.status_changed when recomputed health moves a stored status', async () => {
    // The status stored before (as if scored long ago) differs from what the data says now.
    await f.db.kysely.updateTable('contact_health').set({ status: 'at_risk' }).where('contact_id', '=', f.ids.contactId!).execute();
    await f.app.inject({ method: 'POST', url: '/api/v1/interactions', headers: bearer(f.tokens.member), payload: { kind: 'meeting', contact_ids: ['ada@client.example'], at: '2025-01-06T08:00:00Z' } });
    const changed = (await deliverAll(f.db, receiver.received)).filter((e) => e.type === 'contact.status_changed');
    const stored = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}`, headers: bearer(f.tokens.viewer) });
    expect(changed).toEqual([
      { type: 'contact.status_changed', timestamp: expect.any(String), data: { contact: { id: f.ids.contactId, name: 'Ada', email: 'ada@client.example' }, from: 'at_risk', to: stored.json().health.status, score: stored.json().health.score, slipping: false } },
    ]);
    expect(stored.json().health.status).not.toBe('at_risk');
  });

  it('announces suggestion.created once for each suggestion the Today engine stores', async () => {
    const promise = await f.app.inject({ method: 'POST', url: '/api/v1/commitments', headers: bearer(f.tokens.member), payload: { contact: 'ada@client.example', text: 'send the contract', due_at: '2025-01-07T09:00:00Z' } });
    // The ranked list (all=1) carries the suggestion objects alone, without the plan's `why`.
    const today = (await f.app.inject({ url: '/api/v1/today?all=1', headers: bearer(f.tokens.viewer) })).json();
    const created = (await deliverAll(f.db, receiver.received)).filter((e) => e.type === 'suggestion.created');
    const stored = today.find((s: { cause: string }) => s.cause.includes(promise.json().id));
    expect(created.map((e) => e.data)).toEqual([stored]);
    expect(stored).toMatchObject({ kind: 'keep_promise', contact: { id: f.ids.contactId } });
    // Reading Today again stores nothing new, so nothing is announced again.
    await f.app.inject({ url: '/api/v1/today?limit=50', headers: bearer(f.tokens.viewer) });
    expect(await deliverAll(f.db, receiver.received)).toEqual([]);
  });

  it('announces the waits an uploaded mbox opens, as `rapport import` does', async () => {
    await updateWorkspaceSettings(f.db.kysely, f.a, { own_addresses: ['me@alpha.example'] }, T0);
    const body = toMbox([{ id: 'shed@x', from: 'Bob <bob@builder.example>', to: ['me@alpha.example'], subject: 'The shed', at: '2025-01-05T10:00:00Z', text: 'Can you quote the shed?' }]);
    const upload = await f.app.inject({ method: 'POST', url: '/api/v1/imports?filename=mail.mbox', headers: { ...bearer(f.tokens.member), 'content-type': 'application/mbox' }, payload: body });
    expect(upload.statusCode).toBe(202);
    let job = upload.json();
    for (let i = 0; i < 200 && job.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await f.app.inject({ url: `/api/v1/imports/${job.id}`, headers: bearer(f.tokens.viewer) })).json();
    }
    expect(job.status).toBe('succeeded');
    const opened = (await deliverAll(f.db, receiver.received)).filter((e) => e.type === 'wait.opened');
    expect(opened).toEqual([expect.objectContaining({ data: expect.objectContaining({ contact: expect.objectContaining({ email: 'bob@builder.example' }), subject: 'The shed' }) })]);
  });
});

describe.each(testDialects())('webhook events through the command line on %s', (dialect) => {
  let target: string[];
  let db: Db;
  let cleanup: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-events-'));
    if (dialect === 'postgres') {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url];
      cleanup = drop;
    } else {
      target = ['--data', dir];
      cleanup = async () => undefined;
    }
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await db?.close();
    await receiver.close();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const rp = async (...args: string[]) => {
    const result = await runCli([...target, '--now', '2025-01-06T09:00:00Z', ...args, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return json(result);
  };

  // Five `rapport` processes: generous on a busy machine.
  it('announces logs, imports and rescores made with rapport as the API does', { timeout: 120_000 }, async () => {
    await rp('init', '--name', 'Acme', '--me', 'me@acme.example');
    const ada = await rp('contacts', 'add', 'ada@client.example', '--name', 'Ada', '--client-since', '2024-06-01');
    db = await openDatabase(dialect === 'postgres' ? { url: target[1], migrate: false } : { dataDir: dir });
    await createWebhook(db.kysely, await resolveWorkspace(db.kysely), { url: receiver.url, events: EVENTS }, T0, true);

    const email = await rp('log', 'email', 'ada@client.example', '--direction', 'in', '--subject', 'A quote?', '--text', 'Can you send me a quote?', '--at', '2025-01-06T07:00:00Z');
    const logged = await deliverAll(db, receiver.received);
    // Ada had no score before: her first one is not a change.
    expect(types(logged)).toEqual(['interaction.created', 'wait.opened']);
    expect(logged.find((e) => e.type === 'interaction.created')!.data).toMatchObject({ id: email.id, kind: 'email' });
    expect(logged.find((e) => e.type === 'wait.opened')!.data).toMatchObject({ contact: { id: ada.id }, thread_id: email.id, subject: 'A quote?' });

    const mbox = join(dir, 'mail.mbox');
    writeFileSync(mbox, toMbox([{ id: 'q1@x', from: 'Bob <bob@builder.example>', to: ['me@acme.example'], subject: 'The shed', at: '2025-01-05T10:00:00Z', text: 'Can you quote the shed?' }]));
    const importing = await runCli([...target, '--now', '2025-01-06T09:00:00Z', 'import', mbox]);
    expect(importing.code, importing.stderr).toBe(0);
    const imported = await deliverAll(db, receiver.received);
    expect(imported).toEqual([expect.objectContaining({ type: 'wait.opened', data: expect.objectContaining({ contact: expect.objectContaining({ email: 'bob@builder.example' }), subject: 'The shed' }) })]);

    // Eight months of silence later, the daily rescore finds Ada's relationship changed.
    const storedStatus = async () => (await db.kysely.selectFrom('contact_health').select('status').where('contact_id', '=', ada.id).executeTakeFirstOrThrow()).status;
    const before = await storedStatus();
    const rescored = await runCli([...target, '--now', '2025-09-01T09:00:00Z', 'rescore', '--json']);
    expect(rescored.code, rescored.stderr).toBe(0);
    const after = await storedStatus();
    expect(after).not.toBe(before);
    const changed = (await deliverAll(db, receiver.received)).filter((e) => e.type === 'contact.status_changed' && e.data.contact?.id === ada.id);
    expect(changed).toEqual([expect.objectContaining({ data: expect.objectContaining({ from: before, to: after }) })]);
  });
});
