/**
 * Drips: the due-step computation as a table of cases, then whole runs against a loopback SMTP
 * server on both engines: steps in order on their days, stops on a reply, a client or an
 * unsubscribe, and the ledger that never sends twice across a crash or two runners.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editContact } from '../contacts/contacts.service.js';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { startSmtp, type TestSmtp } from '../mail/test-smtp.js';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import { buildContact, buildWorkspace } from '../test/factories.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { nextDripAction, type DripLedgerEntry, type EnrollmentState } from './drips.js';
import { runDueDrips } from './drips.runner.js';
import { addDripStep, createDrip, findDripOrThrow, listDrips } from './drips.service.js';
import { insertEvent } from './grow-fixtures.js';
import { SmtpLane } from './smtp-lanes.js';
import { createList, subscribe, unsubscribe } from './subscribers.service.js';

const T = Date.parse('2025-02-03T09:00:00Z');
const STEPS = [
  { position: 1, delay_days: 0 },
  { position: 2, delay_days: 3 },
  { position: 3, delay_days: 7 },
];

function state(over: Partial<EnrollmentState> = {}): EnrollmentState {
  return { started_at: T, subscriber_status: 'confirmed', replied_at: null, client_since: null, ...over };
}
const row = (position: number, status: DripLedgerEntry['status'], next: number | null = null): DripLedgerEntry => ({ position, status, next_attempt_at: next });

describe('nextDripAction', () => {
  it.each([
    ['the first step on the day of confirming', state(), [], T, { action: 'send', position: 1, retry: false }],
    ['waits for the second step until day 3', state(), [row(1, 'sent')], T + 2 * DAY_MS, { action: 'wait', until: T + 3 * DAY_MS }],
    ['sends the second step on day 3', state(), [row(1, 'sent')], T + 3 * DAY_MS, { action: 'send', position: 2, retry: false }],
    ['catches up one step at a time', state(), [], T + 30 * DAY_MS, { action: 'send', position: 1, retry: false }],
    ['goes on after an uncertain step (never resent)', state(), [row(1, 'uncertain')], T + 3 * DAY_MS, { action: 'send', position: 2, retry: false }],
    ['waits while a step is claimed', state(), [row(1, 'claimed')], T + 3 * DAY_MS, { action: 'wait', until: null }],
    ['retries a pending step when due', state(), [row(1, 'pending', T + HOUR_MS)], T + 2 * HOUR_MS, { action: 'send', position: 1, retry: true }],
    ['waits for a pending step’s retry', state(), [row(1, 'pending', T + HOUR_MS)], T + 30 * 60_000, { action: 'wait', until: T + HOUR_MS }],
    ['finishes after the last step', state(), [row(1, 'sent'), row(2, 'sent'), row(3, 'failed')], T + 9 * DAY_MS, { action: 'stop', reason: 'finished' }],
    ['stops when they replied', state({ replied_at: T + DAY_MS }), [row(1, 'sent')], T + 3 * DAY_MS, { action: 'stop', reason: 'replied' }],
    ['ignores a reply from before enrolling', state({ replied_at: T - DAY_MS }), [row(1, 'sent')], T + 3 * DAY_MS, { action: 'send', position: 2, retry: false }],
    ['stops when they became a client', state({ client_since: T + DAY_MS }), [row(1, 'sent')], T + 3 * DAY_MS, { action: 'stop', reason: 'client' }],
    ['stops when they left the list', state({ subscriber_status: 'unsubscribed' }), [], T, { action: 'stop', reason: 'unsubscribed' }],
    ['stops when they bounced', state({ subscriber_status: 'bounced' }), [], T, { action: 'stop', reason: 'unsubscribed' }],
  ] as const)('%s', (_title, s, ledger, now, expected) => {
    expect(nextDripAction(s, STEPS, ledger, now)).toEqual(expected);
  });

  it('waits on a drip without steps rather than finishing it', () => {
    expect(nextDripAction(state(), [], [], T + 9 * DAY_MS)).toEqual({ action: 'wait', until: null });
  });
});

const step = (subject: string, body: string) => `---\nsubject: ${subject}\n---\nHello {{first_name|there}},\n\n${body}\n`;

describe.each(testDialects())('drips on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  let smtp: TestSmtp;
  let transport: SmtpLane;
  const subjectsTo = (address: string) =>
    smtp.received.filter((m) => m.to.includes(address)).map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]);

  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await updateWorkspaceSettings(db.kysely, await buildWorkspace(db), { public_url: 'https://crm.acme.example' }, T);
    smtp = await startSmtp();
    transport = new SmtpLane({ host: '127.0.0.1', port: smtp.port, secure: false, user: 'u', password: 'p' });
    await createList(db.kysely, ws, { name: 'Weekly', from_address: 'news@acme.example', from_name: 'Acme' }, T - 10 * DAY_MS);
  });
  afterEach(async () => {
    transport.close();
    await smtp.close();
    await db.close();
  });

  async function welcomeDrip(at = T - DAY_MS) {
    await createDrip(db.kysely, ws, { list: 'Weekly', name: 'Welcome' }, at);
    await addDripStep(db.kysely, ws, 'Welcome', { after_days: 0, markdown: step('Welcome aboard', 'Glad you are here.') }, at);
    await addDripStep(db.kysely, ws, 'Welcome', { after_days: 3, markdown: step('Our best articles', 'Start with these.') }, at);
    await addDripStep(db.kysely, ws, 'Welcome', { after_days: 7, markdown: step('How we work', 'A short tour.') }, at);
  }

  it('sends the steps in order on their days to those who confirm after the drip exists, then finishes', async () => {
    await subscribe(db.kysely, ws, 'Weekly', { email: 'old@reader.example', confirmed: true }, 'cli', T - 5 * DAY_MS);
    await welcomeDrip();
    await subscribe(db.kysely, ws, 'Weekly', { email: 'ada@client.example', name: 'Ada Lovelace', confirmed: true }, 'cli', T);
    await subscribe(db.kysely, ws, 'Weekly', { email: 'unconfirmed@reader.example' }, 'form', T);

    expect(await runDueDrips(db, ws, T + HOUR_MS, transport)).toMatchObject({ enrolled: 1, sent: 1 });
    expect(await runDueDrips(db, ws, T + 2 * DAY_MS, transport)).toMatchObject({ enrolled: 0, sent: 0 });
    expect(await runDueDrips(db, ws, T + 3 * DAY_MS, transport)).toMatchObject({ sent: 1 });
    expect(await runDueDrips(db, ws, T + 3 * DAY_MS + HOUR_MS, transport)).toMatchObject({ sent: 0 });
    expect(await runDueDrips(db, ws, T + 7 * DAY_MS, transport)).toMatchObject({ sent: 1 });
    expect(await runDueDrips(db, ws, T + 8 * DAY_MS, transport)).toMatchObject({ sent: 0, stopped: { finished: 1 } });

    expect(subjectsTo('ada@client.example')).toEqual(['Welcome aboard', 'Our best articles', 'How we work']);
    expect(smtp.received).toHaveLength(3);
    const first = smtp.received[0]!.raw.toString();
    expect(first).toMatch(/^List-Unsubscribe:\s+<https:\/\/crm\.acme\.example\//m);
    expect(first).toContain('Hello Ada,');
    expect(await findDripOrThrow(db.kysely, ws, 'Welcome')).toMatchObject({ enrolled: 1, active_enrollments: 0, sent: 3 });
  });

  it('stops when the subscriber replies: inbound mail from their contact after enrolling', async () => {
    const { contact } = await buildContact(db, ws, { name: 'Ada Lovelace', email: 'ada@client.example', kind: 'prospect' }, T - 30 * DAY_MS);
    // Mail from before enrolling is no reply to the drip.
    await logInteraction(db.kysely, ws, { kind: 'email', direction: 'in', contact_ids: [contact.id], at: T - 20 * DAY_MS, subject: 'Hello' }, T);
    await welcomeDrip();
    await subscribe(db.kysely, ws, 'Weekly', { email: 'ada@client.example', confirmed: true }, 'cli', T);
    await runDueDrips(db, ws, T, transport);
    await logInteraction(db.kysely, ws, { kind: 'email', direction: 'in', contact_ids: [contact.id], at: T + DAY_MS, subject: 'Re: Welcome aboard' }, T + DAY_MS);
    expect(await runDueDrips(db, ws, T + 3 * DAY_MS, transport)).toMatchObject({ sent: 0, stopped: { replied: 1 } });
    expect(await runDueDrips(db, ws, T + 7 * DAY_MS, transport)).toMatchObject({ sent: 0 });
    expect(subjectsTo('ada@client.example')).toEqual(['Welcome aboard']);
  });

  it('stops on a reply event, on becoming a client and on unsubscribing', async () => {
    const { contact: bob } = await buildContact(db, ws, { name: 'Bob', email: 'bob@client.example', kind: 'prospect' }, T - 30 * DAY_MS);
    await welcomeDrip();
    const cy = await subscribe(db.kysely, ws, 'Weekly', { email: 'cy@reader.example', confirmed: true }, 'cli', T);
    await subscribe(db.kysely, ws, 'Weekly', { email: 'bob@client.example', confirmed: true }, 'cli', T);
    await subscribe(db.kysely, ws, 'Weekly', { email: 'dee@reader.example', confirmed: true }, 'cli', T);
    expect(await runDueDrips(db, ws, T, transport)).toMatchObject({ sent: 3 });
    await insertEvent(db, ws.id, cy.id, 'reply', T + DAY_MS);
    await editContact(db.kysely, ws, bob.id, { client_since: T + 2 * DAY_MS }, T + 2 * DAY_MS);
    await unsubscribe(db.kysely, ws, 'Weekly', 'dee@reader.example', T + 2 * DAY_MS);
    expect(await runDueDrips(db, ws, T + 3 * DAY_MS, transport)).toMatchObject({ sent: 0, stopped: { replied: 1, client: 1, unsubscribed: 1 } });
    expect(smtp.received).toHaveLength(3);
  });

  it('never sends a step twice: a dead runner’s claim becomes uncertain, and two runners at once send each step once', async () => {
    await welcomeDrip();
    const ada = await subscribe(db.kysely, ws, 'Weekly', { email: 'ada@client.example', confirmed: true }, 'cli', T);
    const drip = (await listDrips(db.kysely, ws))[0]!;
    // What a runner killed between its claim and its mark leaves behind.
    await runDueDrips(db, ws, T - HOUR_MS, transport);
    await db.kysely
      .insertInto('newsletter_drip_sends')
      .values({ workspace_id: ws.id, drip_id: drip.id, position: 1, subscriber_id: ada.id, email: 'ada@client.example', status: 'claimed', claimed_by: 'dead-runner',
        claimed_at: T, attempts: 1, next_attempt_at: null, message_id: null, sent_at: null, error: null })
      .execute();
    expect(await runDueDrips(db, ws, T + 5 * 60_000, transport)).toMatchObject({ sent: 0, uncertain: 0 });
    expect(await runDueDrips(db, ws, T + HOUR_MS, transport)).toMatchObject({ sent: 0, uncertain: 1 });
    expect(smtp.received).toHaveLength(0);
    // The uncertain step is not resent; the next one goes on its day.
    expect(await runDueDrips(db, ws, T + 3 * DAY_MS, transport)).toMatchObject({ sent: 1 });
    expect(subjectsTo('ada@client.example')).toEqual(['Our best articles']);

    for (let i = 0; i < 20; i++) await subscribe(db.kysely, ws, 'Weekly', { email: `reader${i}@reader.example`, confirmed: true }, 'cli', T + 4 * DAY_MS);
    // Two runners, each with its own connection, as two processes would have.
    const second = new SmtpLane({ host: '127.0.0.1', port: smtp.port, secure: false, user: 'u', password: 'p' });
    const runs = await Promise.all([
      runDueDrips(db, ws, T + 4 * DAY_MS, transport, { runner: 'a' }),
      runDueDrips(db, ws, T + 4 * DAY_MS, second, { runner: 'b' }),
    ]);
    second.close();
    expect(runs[0]!.sent + runs[1]!.sent).toBe(20);
    const firsts = smtp.received.filter((m) => m.raw.toString().includes('Subject: Welcome aboard')).flatMap((m) => m.to);
    expect(firsts).toHaveLength(20);
    expect(new Set(firsts).size).toBe(20);
    const ledger = await db.kysely.selectFrom('newsletter_drip_sends').select(['status']).where('position', '=', 1).execute();
    expect(ledger.map((r) => r.status).sort()).toEqual([...Array(20).fill('sent'), 'uncertain']);
  });

  it('refuses a step that comes before the previous one, a bad front matter and an unknown drip', async () => {
    await welcomeDrip();
    await expect(addDripStep(db.kysely, ws, 'Welcome', { after_days: 2, markdown: step('Too early', 'x') }, T)).rejects.toMatchObject({ code: 'validation' });
    await expect(addDripStep(db.kysely, ws, 'Welcome', { after_days: 9, markdown: 'no front matter' }, T)).rejects.toMatchObject({ code: 'validation' });
    await expect(addDripStep(db.kysely, ws, 'Nope', { after_days: 9, markdown: step('x', 'y') }, T)).rejects.toMatchObject({ code: 'not_found' });
    await expect(createDrip(db.kysely, ws, { list: 'Weekly', name: 'Welcome' }, T)).rejects.toMatchObject({ code: 'conflict' });
    await expect(createDrip(db.kysely, ws, { list: 'Nope', name: 'Welcome' }, T)).rejects.toMatchObject({ code: 'not_found' });
    expect((await findDripOrThrow(db.kysely, ws, 'Welcome')).steps.map((s) => s.after_days)).toEqual([0, 3, 7]);
  });
});

describe.each(testDialects())('drips API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
  });
  afterEach(async () => f.close());

  it('creates a drip, appends steps, lists them; 400 naming a bad step, 404 for another workspace', async () => {
    const headers = bearer(f.tokens.member);
    const created = await f.app.inject({ method: 'POST', url: '/api/v1/newsletter/drips', headers, payload: { list: 'Drip fixture', name: 'Onboarding' } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const added = await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/drips/${id}/steps`, headers, payload: { after_days: 2, markdown: step('Day two', 'Hi') } });
    expect([added.statusCode, added.json().steps]).toEqual([201, [{ position: 1, after_days: 2, subject: 'Day two', body_md: step('Day two', 'Hi') }]]);
    const bad = await f.app.inject({ method: 'POST', url: `/api/v1/newsletter/drips/${id}/steps`, headers, payload: { after_days: 1, markdown: step('Day one', 'Hi') } });
    expect([bad.statusCode, bad.json().code, bad.json().errors]).toEqual([400, 'validation', [{ where: 'after_days', reason: 'must be at least 2' }]]);
    const all = await f.app.inject({ url: '/api/v1/newsletter/drips', headers: bearer(f.tokens.viewer) });
    expect(all.json().map((d: { name: string }) => d.name)).toEqual(['Onboarding', 'Welcome']);
    expect((await f.app.inject({ url: `/api/v1/newsletter/drips/${id}`, headers: bearer(f.otherToken) })).statusCode).toBe(404);
  });
});
