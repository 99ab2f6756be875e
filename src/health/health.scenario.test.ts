/**
 * Mail with known delays, nudges, closers, automated and internal messages across the Berlin
 * DST change goes through the real importer; the metrics are checked against values worked
 * out by hand below, on SQLite and PostgreSQL, in order and shuffled.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { importPaths } from '../import/import.service.js';
import { buildWorkspace } from '../test/factories.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { getContactHealth, listOpenWaits, refreshContactHealth, rescoreWorkspace } from './health.service.js';
import { toMbox, type MailSpec } from './test-mail.js';

// Thursday 14:00 in Berlin (CEST). Berlin moved from UTC+1 to UTC+2 on Sunday 2025-03-30.
const NOW = Date.parse('2025-04-03T12:00:00Z');
const ME = 'Me <me@acme.example>';
const ADA = 'Ada Lovelace <ada@client.example>';
const BOB = 'Bob Babbage <bob@other.example>';
const CY = 'Cy Cerf <cy@third.example>';

const MAIL: MailSpec[] = [
  // T1: asked Friday 16:00 CET, nudged 5 h later, answered Monday 10:00 CEST, then a closer.
  { id: 'a1@client.example', from: ADA, to: [ME], subject: 'Figures', at: '2025-03-28T15:00:00Z', text: 'Could you send the updated figures for March?' },
  { id: 'a2@client.example', from: ADA, to: [ME], subject: 'Figures', at: '2025-03-28T20:00:00Z', replyTo: 'a1@client.example', text: 'Any update on this one?' },
  { id: 'a3@acme.example', from: ME, to: [ADA], subject: 'Figures', at: '2025-03-31T08:00:00Z', replyTo: 'a2@client.example', text: 'Here are the figures you asked for.' },
  { id: 'a4@client.example', from: ADA, to: [ME], subject: 'Figures', at: '2025-03-31T09:00:00Z', replyTo: 'a3@acme.example', text: 'Thanks, perfect' },
  // T2: a follow-up 2 h later is no nudge; answered 4 h after the first message.
  { id: 'b1@client.example', from: ADA, to: [ME], subject: 'Invoice', at: '2025-04-01T07:00:00Z', text: 'Where is the invoice for the workshop?' },
  { id: 'b2@client.example', from: ADA, to: [ME], subject: 'Invoice', at: '2025-04-01T09:00:00Z', replyTo: 'b1@client.example', text: 'We also need the PO number on it, please.' },
  { id: 'b3@acme.example', from: ME, to: [ADA], subject: 'Invoice', at: '2025-04-01T11:00:00Z', replyTo: 'b2@client.example', text: 'Attached is the invoice with the PO number.' },
  // T3: still open at NOW, names a competitor.
  { id: 'c1@client.example', from: ADA, to: [ME], subject: 'Contract', at: '2025-04-02T14:00:00Z', text: 'Can you check the contract? Globex offered us a better rate.' },
  // Automated and internal mail count for nothing.
  { id: 'n1@client.example', from: 'Client Billing <no-reply@client.example>', to: [ME], subject: 'Your receipt', at: '2025-04-02T15:00:00Z', text: 'Receipt attached. Questions?' },
  { id: 'i1@acme.example', from: ME, to: ['Colleague <colleague@acme.example>'], subject: 'Ada', at: '2025-04-02T16:00:00Z', text: 'Can you look at the Ada contract?' },
  // T4, several parties: Bob asks, Cy (copied) writes 5 h later, one reply to both.
  { id: 'd1@acme.example', from: ME, to: [BOB, CY], subject: 'Kickoff', at: '2025-03-31T10:00:00Z', text: 'Shall we start the project next week?' },
  { id: 'd2@other.example', from: BOB, to: [ME], cc: [CY], subject: 'Kickoff', at: '2025-03-31T12:00:00Z', replyTo: 'd1@acme.example', text: 'Sounds good, what time suits you?' },
  { id: 'd3@third.example', from: CY, to: [ME], cc: [BOB], subject: 'Kickoff', at: '2025-03-31T17:00:00Z', replyTo: 'd2@other.example', text: 'Any news on the time for the kickoff?' },
  { id: 'd4@acme.example', from: ME, to: [BOB, CY], subject: 'Kickoff', at: '2025-04-01T08:00:00Z', replyTo: 'd3@third.example', text: 'Tuesday at ten works for me.' },
  // After NOW: ignored.
  { id: 'z1@client.example', from: ADA, to: [ME], subject: 'Later', at: '2025-04-03T12:00:00Z', text: 'Is this counted at all?' },
];

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.each(testDialects())('health from imported mail on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db, { time_zone: 'Europe/Berlin' });
    ws = await updateWorkspaceSettings(db.kysely, ws, { competitors: ['Globex'], sla: { default_s: 4 * 3600, by_tag: {}, by_contact: {} } }, NOW);
  });
  afterEach(() => db.close());

  async function importMail(order: MailSpec[]) {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-health-'));
    const file = join(dir, 'mail.mbox');
    writeFileSync(file, toMbox(MAIL, order));
    await importPaths(db, ws, [file], NOW, { workers: 0 });
  }

  it('gives the hand-computed metrics, whatever the import order', async () => {
    await importMail(MAIL);
    const ada = await getContactHealth(db.kysely, ws, 'ada@client.example', NOW);
    expect(ada.metrics).toMatchObject({
      replies: 2,
      // 4 h (T2) and 65 h (T1: Fri 15:00Z → Mon 08:00Z); nearest rank: median = 1st, p90 = 2nd.
      reply_median_s: 4 * 3600,
      reply_p90_s: 65 * 3600,
      // Business: T1 Fri 16–17 CET + Mon 09–10 CEST = 2 h; T2 09–13 CEST = 4 h → median 2 h.
      reply_median_business_s: 2 * 3600,
      open_waits: 1,
      oldest_wait_s: 22 * 3600,
      // Wed 16–17 + Thu 09–14 CEST.
      oldest_wait_business_s: 6 * 3600,
      nudges: 1,
      nudge_rate: 1 / 3,
      // 6 of their emails (the closer included, the one dated NOW not) / 3.
      inbound_per_30d: 2,
      competitor_mentions_90d: 1,
      touches_per_30d: 2 / 3,
      baseline_touches_per_30d: 2 / 3,
      attention_ratio: null,
      days_since_last_touch: 2,
      // One gap between the two honeymoon touches: Mon 08:00Z → Tue 11:00Z = 27 h.
      typical_gap_days: 27 / 24,
      overdue: false,
      sla_target_business_s: 4 * 3600,
      // The open wait (6 business hours) is past the 4 h target; the 4 h reply is not.
      sla_breaches_90d: 1,
    });
    expect(ada.stage).toBe('honeymoon');
    expect(ada.factors.attention.value).toBe(1);
    expect(ada.factors.responsiveness.explanation).toMatch(/2 business hours.*2 replies.*6 business hours.*1 of 3 waits/);

    const bob = await getContactHealth(db.kysely, ws, 'bob@other.example', NOW);
    expect(bob.metrics).toMatchObject({ replies: 1, reply_median_s: 20 * 3600, reply_median_business_s: 4 * 3600, nudges: 0, nudge_rate: 1, open_waits: 0 });
    const cy = await getContactHealth(db.kysely, ws, 'cy@third.example', NOW);
    expect(cy.metrics).toMatchObject({ replies: 0, nudges: 1, nudge_rate: null, inbound_per_30d: 1 / 3, touches_per_30d: 2 / 3 });

    const waits = await listOpenWaits(db.kysely, ws, NOW);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ contact: { email: 'ada@client.example' }, subject: 'Contract', since: '2025-04-02T14:00:00.000Z', wait_s: 79200, wait_business_s: 21600, nudges: 0 });

    // The same mail imported shuffled into a fresh workspace gives identical health.
    const ws2 = await buildWorkspace(db, { time_zone: 'Europe/Berlin' });
    const ws2b = await updateWorkspaceSettings(db.kysely, ws2, { competitors: ['Globex'], sla: ws.settings.sla }, NOW);
    const first = ws;
    ws = ws2b;
    await importMail(shuffled(MAIL, 7));
    for (const who of ['ada@client.example', 'bob@other.example', 'cy@third.example']) {
      const a = await getContactHealth(db.kysely, first, who, NOW);
      const b = await getContactHealth(db.kysely, ws, who, NOW);
      expect({ ...b, contact: { ...b.contact, id: 'x' } }).toEqual({ ...a, contact: { ...a.contact, id: 'x' } });
    }
  });

  it('stores health for the contacts list and keeps a daily snapshot', async () => {
    await importMail(MAIL);
    const result = await rescoreWorkspace(db, ws, NOW);
    expect(result.contacts).toBe(3);
    const rows = await db.kysely.selectFrom('contact_health').selectAll().where('workspace_id', '=', ws.id).execute();
    expect(rows).toHaveLength(3);
    const live = await getContactHealth(db.kysely, ws, 'ada@client.example', NOW);
    const stored = rows.find((r) => r.contact_id === live.contact.id)!;
    expect(stored.score).toBe(live.score);
    expect(JSON.parse(stored.metrics)).toEqual(live.metrics);
    expect(stored.last_touch_at).toBe(Date.parse('2025-04-01T11:00:00Z'));
    const snaps = await db.kysely.selectFrom('health_snapshots').selectAll().where('workspace_id', '=', ws.id).execute();
    expect(snaps.map((s) => s.day)).toEqual(['2025-04-03', '2025-04-03', '2025-04-03']);
  });

  it('flags a contact whose score fell 15 points within 30 days as slipping', async () => {
    await importMail(MAIL);
    const ada = await getContactHealth(db.kysely, ws, 'ada@client.example', NOW);
    await db.kysely
      .insertInto('health_snapshots')
      .values({ workspace_id: ws.id, contact_id: ada.contact.id, day: '2025-03-20', score: (ada.score ?? 0) + 15, status: 'thriving' })
      .execute();
    await refreshContactHealth(db.kysely, ws, [ada.contact.id], NOW);
    expect((await getContactHealth(db.kysely, ws, ada.contact.id, NOW)).slipping).toBe(true);
    const row = await db.kysely.selectFrom('contact_health').select('slipping').where('contact_id', '=', ada.contact.id).executeTakeFirstOrThrow();
    expect(row.slipping).toBe(1);
  });
});
