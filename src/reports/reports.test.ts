/** Reports: the pure series as tables of cases, then the API over real mail on both engines. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { rescoreWorkspace } from '../health/health.service.js';
import { toMbox } from '../health/test-mail.js';
import { bearer, setupApi, type ApiFixture } from '../app/test-server.js';
import { importPaths } from '../import/import.service.js';
import { makeBusinessClock } from '../metrics/business-time.js';
import { DAY_MS } from '../shared/time.js';
import { buildContact, T0 } from '../test/factories.js';
import { attentionHistogram, currentStatuses, statusSeries, weeklyResponsiveness, weekOf, weeksBetween } from './reports.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('report series', () => {
  it.each([
    ['2025-01-06T09:00:00Z', 'UTC', '2025-01-06'],
    ['2025-01-05T23:30:00Z', 'UTC', '2024-12-30'],
    // Monday 00:30 in Paris is still Sunday in UTC.
    ['2025-01-05T23:30:00Z', 'Europe/Paris', '2025-01-06'],
  ])('the week of %s in %s starts on %s', (instant, zone, monday) => {
    expect(weekOf(at(instant), zone)).toBe(monday);
  });

  it('lists every week between two instants, Mondays', () => {
    expect(weeksBetween(at('2024-12-18T12:00:00Z'), at('2025-01-06T09:00:00Z'), 'UTC')).toEqual(['2024-12-16', '2024-12-23', '2024-12-30', '2025-01-06']);
  });

  it('takes the median reply time per week of the reply, in wall and business time', () => {
    const clock = makeBusinessClock('UTC', { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
    const wait = (start: string, replied: string | null) => ({ threadId: 't', senders: ['ct_1'], start: at(start), nudges: [], repliedAt: replied ? at(replied) : null });
    const rows = weeklyResponsiveness(
      [
        wait('2025-01-02T10:00:00Z', '2025-01-02T12:00:00Z'),
        wait('2025-01-02T10:00:00Z', '2025-01-02T11:00:00Z'),
        wait('2025-01-03T16:00:00Z', '2025-01-06T08:30:00Z'),
        wait('2025-01-06T08:00:00Z', null),
        wait('2024-11-01T10:00:00Z', '2024-11-01T11:00:00Z'),
      ],
      ['2024-12-23', '2024-12-30', '2025-01-06'],
      'UTC',
      clock,
    );
    expect(rows).toEqual([
      { week: '2024-12-23', replies: 0, median_s: null, median_business_s: null },
      { week: '2024-12-30', replies: 2, median_s: 3600, median_business_s: 3600 },
      { week: '2025-01-06', replies: 1, median_s: 64.5 * 3600, median_business_s: 3600 },
    ]);
  });

  it('puts a reply in the week of its local day: Monday 00:30 in Paris is that week, the minute before is the last, after the last week none', () => {
    const clock = makeBusinessClock('Europe/Paris', { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
    const wait = (replied: string) => ({ threadId: 't', senders: ['ct_1'], start: at(replied) - H, nudges: [], repliedAt: at(replied) });
    const rows = weeklyResponsiveness(
      // Paris is UTC+1 in winter, UTC+2 from 30 March 2025.
      [wait('2025-01-05T23:30:00Z'), wait('2025-01-05T22:59:00Z'), wait('2025-03-30T21:59:00Z'), wait('2025-03-30T22:00:00Z'), wait('2024-12-29T22:59:00Z')],
      ['2024-12-30', '2025-01-06', '2025-03-24'],
      'Europe/Paris',
      clock,
    );
    expect(rows.map((r) => r.replies)).toEqual([1, 1, 1]);
  });

  it.each([
    [[], [0, 0, 0, 0, 0, 0, 0]],
    [[0, 0.24, 0.25, 0.5, 0.99, 1, 1.3, 1.5, 7], [2, 1, 1, 1, 1, 1, 2]],
  ])('buckets attention ratios %j', (ratios, counts) => {
    const buckets = attentionHistogram(ratios);
    expect(buckets.map((b) => b.contacts)).toEqual(counts);
    expect(buckets[0]).toMatchObject({ from: 0, to: 0.25 });
    expect(buckets[6]).toMatchObject({ from: 1.5, to: null });
  });

  it('counts statuses per day and now, unscored apart', () => {
    expect(statusSeries([
      { day: '2025-01-06', status: 'steady', contacts: 2 },
      { day: '2025-01-05', status: 'at_risk', contacts: 1 },
      { day: '2025-01-06', status: null, contacts: 4 },
    ])).toEqual([
      { day: '2025-01-05', thriving: 0, steady: 0, cooling: 0, at_risk: 1 },
      { day: '2025-01-06', thriving: 0, steady: 2, cooling: 0, at_risk: 0 },
    ]);
    expect(currentStatuses([{ status: 'thriving', contacts: 3 }, { status: null, contacts: 2 }])).toEqual({ thriving: 3, steady: 0, cooling: 0, at_risk: 0, unscored: 2 });
  });
});

describe.each(testDialects())('reports API on %s', (dialect) => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await setupApi(dialect);
    const dir = mkdtempSync(join(tmpdir(), 'rapport-reports-'));
    try {
      const mbox = join(dir, 'mail.mbox');
      writeFileSync(mbox, toMbox([
        { id: 'a1@x', from: 'ada@client.example', to: ['me@acme.example'], subject: 'Invoice', at: '2025-01-02T10:00:00Z', text: 'Could you explain the invoice?' },
        { id: 'a2@x', from: 'me@acme.example', to: ['ada@client.example'], subject: 'Re: Invoice', at: '2025-01-02T12:00:00Z', replyTo: 'a1@x', text: 'It is the support plan.' },
        { id: 'b1@x', from: 'ada@client.example', to: ['me@acme.example'], subject: 'Training', at: '2025-01-03T16:00:00Z', text: 'Can we move the training?' },
        { id: 'b2@x', from: 'me@acme.example', to: ['ada@client.example'], subject: 'Re: Training', at: '2025-01-06T08:30:00Z', replyTo: 'b1@x', text: 'Yes, to Thursday.' },
      ]));
      await importPaths(f.db, f.a, [mbox], T0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Two daily scorings: the trend needs two days.
    await rescoreWorkspace(f.db, f.a, T0 - DAY_MS);
    await rescoreWorkspace(f.db, f.a, T0);
  });
  afterEach(async () => f.close());

  it("gives a contact's daily scores, oldest first", async () => {
    const res = await f.app.inject({ url: `/api/v1/contacts/ada@client.example/health/history`, headers: bearer(f.tokens.viewer) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { day: '2025-01-05', score: expect.any(Number) },
      { day: '2025-01-06', score: expect.any(Number) },
    ]);
    const now = await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/health`, headers: bearer(f.tokens.viewer) });
    expect(res.json()[1].score).toBe(now.json().score);
    expect((await f.app.inject({ url: `/api/v1/contacts/${f.ids.contactId}/health/history`, headers: bearer(f.otherToken) })).statusCode).toBe(404);
  });

  it('reports replies per week, statuses per day and now, and attention kept', async () => {
    // A contact past the honeymoon keeping 40 % of its early attention (stored as a rescore would).
    const { contact } = await buildContact(f.db, f.a, { email: 'old@client.example' });
    await f.db.kysely
      .insertInto('contact_health')
      .values({ workspace_id: f.a.id, contact_id: contact.id, score: 50, status: 'cooling', slipping: 0, stage: 'established', last_touch_at: null, metrics: JSON.stringify({ attention_ratio: 0.4 }), factors: '{}', computed_at: T0 })
      .execute();
    const res = await f.app.inject({ url: '/api/v1/reports', headers: bearer(f.tokens.viewer) });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.responsiveness).toHaveLength(13);
    expect(report.responsiveness.slice(-2)).toEqual([
      { week: '2024-12-30', replies: 1, median_s: 2 * H / 1000, median_business_s: 2 * H / 1000 },
      { week: '2025-01-06', replies: 1, median_s: 64.5 * H / 1000, median_business_s: H / 1000 },
    ]);
    expect(report.statuses.map((s: { day: string }) => s.day)).toEqual(['2025-01-05', '2025-01-06']);
    const scored = report.statuses[1].thriving + report.statuses[1].steady + report.statuses[1].cooling + report.statuses[1].at_risk;
    expect(scored).toBe(1);
    expect(report.statuses_now).toMatchObject({ cooling: expect.any(Number), unscored: 0 });
    expect(Object.values(report.statuses_now as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(2);
    expect(report.attention_ratios.find((b: { from: number }) => b.from === 0.25).contacts).toBe(1);

    const other = (await f.app.inject({ url: '/api/v1/reports', headers: bearer(f.otherToken) })).json();
    expect(other.statuses).toEqual([]);
    expect(other.responsiveness.every((r: { replies: number }) => r.replies === 0)).toBe(true);
  });
});
