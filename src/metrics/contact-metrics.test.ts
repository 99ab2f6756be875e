import { describe, expect, it } from 'vitest';
import { makeBusinessClock } from './business-time.js';
import { computeContactMetrics } from './contact-metrics.js';
import type { ContactInteraction, MetricsInput, MetricsSettings } from './inputs.js';
import { walkThread, type ThreadMessage } from './waits.js';

const DAY = 86_400_000;
const H = 3_600_000;
// Thursday 2025-06-05 12:00 UTC.
const NOW = Date.parse('2025-06-05T12:00:00Z');
const clock = makeBusinessClock('UTC', { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
const settings: MetricsSettings = { nudge_gap_s: 4 * 3600, honeymoon_days: 90, competitors: ['Globex', 'Initech Cloud'], sla: { default_s: null, by_tag: {}, by_contact: {} } };

let seq = 0;
function ix(kind: string, direction: string, at: number, opts: Partial<ContactInteraction> = {}): ContactInteraction {
  seq += 1;
  return { id: `ix_${String(seq).padStart(5, '0')}`, kind, direction, at, automated: false, role: direction === 'in' ? 'from' : 'to', sentiment: null, text: null, tags: [], ...opts };
}

function run(interactions: ContactInteraction[], contact: Partial<MetricsInput['contact']> = {}, extra: Partial<typeof settings> = {}) {
  // Every email here is one thread: the walk uses the emails that count for §4.1.
  const messages: ThreadMessage[] = interactions
    .filter((i) => i.kind === 'email' && !i.automated && i.direction !== 'internal')
    .map((i) => ({ id: i.id, at: i.at, direction: i.direction as 'in' | 'out', isCloser: i.text === 'Thanks!', senders: ['C'] }));
  const s = { ...settings, ...extra };
  return computeContactMetrics(
    {
      now: NOW,
      contact: { id: 'C', tags: [], client_since: null, keep_in_touch_days: null, ...contact },
      interactions,
      waits: walkThread('th', messages, s.nudge_gap_s * 1000),
      settings: s,
    },
    { clock },
  );
}

describe('responsiveness (SPEC §4.2)', () => {
  it('counts replies, median, nearest-rank p90 and business time', () => {
    // Mondays 2025-05-05, 05-12, 05-19: waits of 1, 2 and 30 hours.
    const mon = [Date.parse('2025-05-05T10:00:00Z'), Date.parse('2025-05-12T10:00:00Z'), Date.parse('2025-05-19T10:00:00Z')];
    const { metrics } = run([
      ix('email', 'in', mon[0]!), ix('email', 'out', mon[0]! + H),
      ix('email', 'in', mon[1]!), ix('email', 'out', mon[1]! + 2 * H),
      ix('email', 'in', mon[2]!), ix('email', 'out', mon[2]! + 30 * H),
    ]);
    expect(metrics.replies).toBe(3);
    expect(metrics.reply_median_s).toBe(7200);
    expect(metrics.reply_p90_s).toBe(30 * 3600);
    // 10:00 Mon → 16:00 Tue: 7 h Monday + 7 h Tuesday.
    expect(metrics.reply_median_business_s).toBe(7200);
    expect(metrics.open_waits).toBe(0);
    expect(metrics.nudge_rate).toBe(0);
  });

  it.each([
    ['a wait starting exactly now − 90 days belongs to the window', 0, 1],
    ['one starting 1 ms earlier does not', -1, 0],
  ])('%s', (_name, offset, replies) => {
    const start = NOW - 90 * DAY + offset;
    expect(run([ix('email', 'in', start), ix('email', 'out', start + H)]).metrics.replies).toBe(replies);
  });

  it('an open wait older than the window is no longer counted, nor its later nudges', () => {
    const { metrics } = run([ix('email', 'in', NOW - 100 * DAY), ix('email', 'in', NOW - DAY)]);
    expect(metrics.open_waits).toBe(0);
    expect(metrics.oldest_wait_s).toBeNull();
    expect(metrics.nudges).toBe(0);
    expect(metrics.nudge_rate).toBeNull();
  });

  it('open wait age and nudges of a recent wait', () => {
    const start = Date.parse('2025-06-04T16:00:00Z');
    const { metrics } = run([ix('email', 'in', start), ix('email', 'in', start + 5 * H)]);
    expect(metrics.open_waits).toBe(1);
    expect(metrics.oldest_wait_s).toBe(20 * 3600);
    // Wed 16:00–17:00 and Thu 09:00–12:00.
    expect(metrics.oldest_wait_business_s).toBe(4 * 3600);
    expect(metrics.nudges).toBe(1);
    expect(metrics.nudge_rate).toBe(1);
  });

  it('automated and internal mail start no wait; interactions at or after now are not given', () => {
    const { metrics } = run([
      ix('email', 'in', NOW - DAY, { automated: true }),
      ix('email', 'internal', NOW - DAY),
    ]);
    expect(metrics.open_waits).toBe(0);
    expect(metrics.inbound_per_30d).toBe(0);
  });

  it('SLA: replies and open waits slower than the target in business time are breaches', () => {
    const mon = Date.parse('2025-05-05T10:00:00Z');
    const { metrics } = run(
      [ix('email', 'in', mon), ix('email', 'out', mon + 3 * H), ix('email', 'in', mon + 7 * DAY), ix('email', 'out', mon + 7 * DAY + 5 * H)],
      { tags: ['VIP'] },
      { sla: { default_s: 8 * 3600, by_tag: { vip: 4 * 3600 }, by_contact: {} } },
    );
    expect(metrics.sla_target_business_s).toBe(4 * 3600);
    expect(metrics.sla_breaches_90d).toBe(1);
  });
});

describe('engagement (SPEC §4.3)', () => {
  it('counts their emails and messages, not automated mail, not copies, and finds competitors by whole word', () => {
    const { metrics } = run(
      [
        ix('email', 'in', NOW - 10 * DAY, { sentiment: 0.5, text: 'We are looking at globex, honestly.' }),
        ix('message', 'in', NOW - 20 * DAY, { sentiment: -0.9, text: 'Globex called' }),
        ix('email', 'in', NOW - 30 * DAY, { sentiment: -0.1, text: 'Globexia is not a competitor; neither is Initech.' }),
        ix('email', 'in', NOW - 40 * DAY, { automated: true, text: 'Globex newsletter' }),
        ix('email', 'in', NOW - 50 * DAY, { role: 'cc', text: 'Globex' }),
        ix('email', 'in', NOW - 60 * DAY, { text: 'initech cloud quote attached' }),
      ],
      { client_since: NOW - 400 * DAY },
    );
    expect(metrics.inbound_per_30d).toBeCloseTo(4 / 3, 12);
    expect(metrics.baseline_inbound_per_30d).toBe(0);
    expect(metrics.sentiment_90d).toBeCloseTo(0.2, 12);
    expect(metrics.competitor_mentions_90d).toBe(2);
  });

  it('no baseline without a relationship start', () => {
    expect(run([]).metrics.baseline_inbound_per_30d).toBeNull();
  });
});

describe('attention (SPEC §4.4)', () => {
  const since = NOW - 200 * DAY;
  it.each([
    ['outbound email, message, surprise and calls/meetings either way are touches', [
      ix('email', 'out', NOW - DAY), ix('message', 'out', NOW - DAY), ix('surprise', 'out', NOW - DAY),
      ix('call', 'in', NOW - DAY), ix('meeting', 'out', NOW - DAY),
    ], 5 / 3],
    ['inbound mail, notes, newsletters and automated mail are not', [
      ix('email', 'in', NOW - DAY), ix('note', 'internal', NOW - DAY), ix('newsletter', 'out', NOW - DAY),
      ix('email', 'out', NOW - DAY, { automated: true }),
    ], 0],
  ])('%s', (_name, interactions, perThirty) => {
    expect(run(interactions, { client_since: since }).metrics.touches_per_30d).toBeCloseTo(perThirty, 12);
  });

  it('ratio against the honeymoon baseline, typical gap and overdue', () => {
    // Honeymoon [since, since+90d): touches on days 0, 10, 20, 40 → gaps 10, 10, 20 → median 10.
    const honeymoon = [0, 10, 20, 40].map((d) => ix('call', 'out', since + d * DAY));
    const recent = [ix('email', 'out', NOW - 25 * DAY - H)];
    const { metrics } = run([...honeymoon, ...recent], { client_since: since });
    expect(metrics.baseline_touches_per_30d).toBeCloseTo(4 / 3, 12);
    expect(metrics.touches_per_30d).toBeCloseTo(1 / 3, 12);
    expect(metrics.attention_ratio).toBeCloseTo(0.25, 12);
    expect(metrics.typical_gap_days).toBe(10);
    expect(metrics.days_since_last_touch).toBe(25);
    // 25 > max(14, 2 × 10)
    expect(metrics.overdue).toBe(true);
  });

  it.each([
    ['keep_in_touch_days 30 overrides the typical gap', 30, false],
    ['keep_in_touch_days 24 is exceeded by 25 days', 24, true],
    ['keep_in_touch_days 25 is not exceeded by 25 days', 25, false],
  ])('%s', (_name, keep, overdue) => {
    const { metrics } = run([ix('call', 'out', NOW - 25 * DAY - H)], { client_since: since, keep_in_touch_days: keep });
    expect(metrics.overdue).toBe(overdue);
  });

  it('honeymoon not over: no ratio; fewer than 2 honeymoon touches: typical gap 30', () => {
    const { metrics } = run([ix('call', 'out', NOW - 5 * DAY)], { client_since: NOW - 10 * DAY });
    expect(metrics.attention_ratio).toBeNull();
    expect(metrics.typical_gap_days).toBe(30);
    expect(metrics.baseline_touches_per_30d).toBeCloseTo(1 / 3, 12);
  });

  it('zero baseline: no ratio', () => {
    const { metrics } = run([ix('call', 'out', NOW - 5 * DAY)], { client_since: since });
    expect(metrics.baseline_touches_per_30d).toBe(0);
    expect(metrics.attention_ratio).toBeNull();
  });

  it('without client_since the relationship starts at the first non-automated, non-internal interaction', () => {
    const first = NOW - 100 * DAY;
    const { metrics } = run([
      ix('email', 'in', first - 10 * DAY, { automated: true }),
      ix('note', 'internal', first - 5 * DAY),
      ix('email', 'in', first),
      ix('email', 'out', first + DAY),
    ]);
    expect(metrics.baseline_inbound_per_30d).toBeCloseTo(1 / 3, 12);
    expect(metrics.baseline_touches_per_30d).toBeCloseTo(1 / 3, 12);
    expect(metrics.attention_ratio).toBe(0);
  });

  it('no touch: not overdue, no days since', () => {
    const { metrics } = run([], { client_since: since });
    expect(metrics.days_since_last_touch).toBeNull();
    expect(metrics.overdue).toBe(false);
  });
});

describe('care and reciprocity (SPEC §4.5)', () => {
  it('counts outbound interactions per behaviour, gives and asks over 180 days', () => {
    const { metrics } = run([
      ix('email', 'out', NOW - DAY, { tags: ['interest', 'humor'] }),
      ix('call', 'out', NOW - 10 * DAY, { tags: ['knowledge', 'ask'] }),
      ix('email', 'out', NOW - 179 * DAY, { tags: ['ask'] }),
      ix('email', 'out', NOW - 181 * DAY, { tags: ['surprise'] }),
      ix('email', 'in', NOW - DAY, { tags: ['compliment'] }),
    ]);
    expect(metrics.behaviors_180d).toEqual({ interest: 1, compliment: 0, knowledge: 1, enthusiasm: 0, humor: 1, surprise: 0, heroics: 0 });
    expect(metrics.gives_180d).toBe(2);
    expect(metrics.asks_180d).toBe(2);
  });
});
