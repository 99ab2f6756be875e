/**
 * GET /waiting: each open wait names the competitors its own thread mentioned (not the
 * contact's other threads), carries its contact's health as the last rescore stored it, and
 * `limit` keeps the N oldest with the total in X-Total-Count.
 * Threaded mail comes through the real importer; a logged email is a thread of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { importPaths } from '../import/import.service.js';
import { logInteraction } from '../interactions/interactions.service.js';
import type { WaitingRow } from '../metrics/metrics.types.js';
import { T0 } from '../test/factories.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { listOpenWaits, rescoreWorkspace } from './health.service.js';
import { toMbox, type MailSpec } from './test-mail.js';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ME = 'Me <me@acme.example>';
const BEA = 'Bea Kurz <bea@client.example>';

const MAIL: MailSpec[] = [
  // Bea's first thread names Globex in its second message; her other thread names nobody.
  { id: 'p1@client.example', from: BEA, to: [ME], subject: 'Pricing', at: iso(T0 - 30 * HOUR), text: 'Could you send the price list?' },
  { id: 'p2@client.example', from: BEA, to: [ME], subject: 'Pricing', at: iso(T0 - 20 * HOUR), replyTo: 'p1@client.example', text: 'Globex sent theirs already.' },
  { id: 'q1@client.example', from: BEA, to: [ME], subject: 'Workshop', at: iso(T0 - 10 * HOUR), text: 'When can we book the workshop?' },
];

describe.each(testDialects())('GET /waiting on %s', (dialect) => {
  let f: ApiFixture;
  let dir: string;
  beforeEach(async () => {
    f = await setupApi(dialect);
    dir = mkdtempSync(join(tmpdir(), 'rapport-waiting-'));
    const ws = await updateWorkspaceSettings(f.db.kysely, f.a, { competitors: ['Globex', 'Initech'] }, T0);
    writeFileSync(join(dir, 'mail.mbox'), toMbox(MAIL));
    await importPaths(f.db, ws, [join(dir, 'mail.mbox')], T0, { workers: 0 });
    // Logged emails have no thread: the wait is the message itself.
    const ada = f.ids.contactId!;
    await logInteraction(f.db.kysely, ws, { kind: 'email', direction: 'in', contact_ids: [ada], at: T0 - 5 * HOUR, text: 'Initech called us about the renewal.' }, T0);
    await logInteraction(f.db.kysely, ws, { kind: 'email', direction: 'in', contact_ids: [ada], at: T0 - 2 * HOUR, text: 'Can we talk tomorrow?' }, T0);
  });
  afterEach(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function waiting(query = ''): Promise<{ waits: WaitingRow[]; total: string | undefined }> {
    const res = await f.app.inject({ url: `/api/v1/waiting${query}`, headers: bearer(f.tokens.viewer) });
    expect(res.statusCode, res.body).toBe(200);
    return { waits: res.json(), total: res.headers['x-total-count'] as string | undefined };
  }

  it('names the competitors of each thread, not of the contact', async () => {
    const { waits, total } = await waiting();
    expect(total).toBe('4');
    expect(waits.map((w) => [w.subject ?? w.contact.name, w.competitors])).toEqual([
      ['Pricing', ['Globex']],
      ['Workshop', []],
      ['Ada', ['Initech']],
      ['Ada', []],
    ]);
    // The same waits as `rapport waiting --json`, which prints what the service returns, plus health.
    const ws = { ...f.a, settings: { ...f.a.settings, competitors: ['Globex', 'Initech'] } };
    expect(waits.map(({ health: _, ...wait }) => wait)).toEqual(await listOpenWaits(f.db.kysely, ws, T0));
  });

  it("gives each row its contact's health as stored by the last rescore, in the same answer", async () => {
    await rescoreWorkspace(f.db, { ...f.a, settings: { ...f.a.settings, competitors: ['Globex', 'Initech'] } }, T0);
    const { waits } = await waiting();
    for (const w of waits) {
      const res = await f.app.inject({ url: `/api/v1/contacts/${w.contact.id}/health`, headers: bearer(f.tokens.viewer) });
      const now = res.json();
      expect(w.health, w.contact.name).toEqual({ score: now.score, status: now.status, slipping: now.slipping });
      expect(w.health?.status, w.contact.name).toMatch(/^(thriving|steady|cooling|at_risk)$/);
    }
  });

  it('keeps the oldest N with ?limit=N and still counts them all', async () => {
    const { waits, total } = await waiting('?limit=2');
    expect(waits.map((w) => w.subject)).toEqual(['Pricing', 'Workshop']);
    expect(total).toBe('4');
    expect((await waiting('?limit=0')).waits).toEqual([]);
  });

  it('a reply logged as sent in the thread (POST /interactions reply_to_thread) ends that wait only', async () => {
    const [pricing] = (await waiting()).waits;
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/v1/interactions',
      headers: bearer(f.tokens.member),
      payload: { kind: 'email', direction: 'out', contact_ids: [pricing!.contact.id], at: T0 - HOUR, text: 'Here is the price list.', reply_to_thread: pricing!.thread_id },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ subject: 'Re: Pricing', thread_id: pricing!.thread_id });
    expect((await waiting()).waits.map((w) => w.subject ?? w.contact.name)).toEqual(['Workshop', 'Ada', 'Ada']);
  });

  it('refuses reply_to_thread on a call, or a thread without their email, naming the field', async () => {
    const [pricing] = (await waiting()).waits;
    const post = (payload: object) => f.app.inject({ method: 'POST', url: '/api/v1/interactions', headers: bearer(f.tokens.member), payload });
    const call = await post({ kind: 'call', contact_ids: [pricing!.contact.id], reply_to_thread: pricing!.thread_id });
    expect(call.statusCode).toBe(400);
    expect(call.body).toContain('reply_to_thread: only an email');
    const none = await post({ kind: 'email', direction: 'out', contact_ids: [pricing!.contact.id], reply_to_thread: 'th_nothing' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('has no email of theirs');
    expect((await waiting()).total).toBe('4');
  });

  it('answers 400 naming limit when it is not a whole number', async () => {
    const res = await f.app.inject({ url: '/api/v1/waiting?limit=ten', headers: bearer(f.tokens.viewer) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('limit');
  });
});
