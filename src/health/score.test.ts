import { describe, expect, it } from 'vitest';
import { makeBusinessClock } from '../metrics/business-time.js';
import { computeContactMetrics, type ComputedMetrics } from '../metrics/contact-metrics.js';
import type { ContactInteraction } from '../metrics/inputs.js';
import { walkThread } from '../metrics/waits.js';
import { DEFAULT_WEIGHTS } from '../workspaces/workspaces.schema.js';
import { isSlipping, scoreHealth, statusOf } from './score.js';

const DAY = 86_400_000;
const H = 3_600_000;
const NOW = Date.parse('2025-06-05T12:00:00Z'); // a Thursday
const clock = makeBusinessClock('UTC', { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
let seq = 0;
const ix = (kind: string, direction: string, at: number, tags: string[] = [], text: string | null = null): ContactInteraction => ({
  id: `ix_${String(++seq).padStart(5, '0')}`, kind, direction, at, automated: false, role: direction === 'in' ? 'from' : 'to', sentiment: null, text, tags,
});

function computed(interactions: ContactInteraction[], clientSince: number | null, keep: number | null = null): ComputedMetrics {
  const emails = interactions.filter((i) => i.kind === 'email');
  const waits = walkThread('th', emails.map((i) => ({ id: i.id, at: i.at, direction: i.direction as 'in' | 'out', isCloser: false, senders: ['C'] })), 4 * H);
  return computeContactMetrics(
    {
      now: NOW,
      contact: { id: 'C', tags: [], client_since: clientSince, keep_in_touch_days: keep },
      interactions,
      waits,
      settings: { nudge_gap_s: 4 * 3600, honeymoon_days: 90, competitors: ['Globex'], sla: { default_s: null, by_tag: {}, by_contact: {} } },
    },
    { clock },
  );
}

describe('health score (SPEC §5)', () => {
  it('an established customer, computed by hand', () => {
    const since = NOW - 300 * DAY;
    const wed = Date.parse('2025-05-28T10:00:00Z');
    const c = computed(
      [
        // Honeymoon: 6 touches and 6 inbound emails → baselines 2 per 30 days each.
        ...[0, 10, 20, 30, 40, 50].map((d) => ix('call', 'out', since + d * DAY)),
        ...[1, 11, 21, 31, 41, 51].map((d) => ix('message', 'in', since + d * DAY)),
        // Recent: one wait of 36 business hours (Wed 10:00 → Mon 14:00: 7+8+8+...)
        ix('email', 'in', wed),
        ix('email', 'in', wed + 5 * H), // a nudge
        ix('email', 'out', Date.parse('2025-06-02T14:00:00Z'), ['interest', 'knowledge', 'ask']),
        ix('email', 'in', NOW - 2 * DAY, [], 'Globex offered a discount'),
        ix('email', 'out', NOW - 2 * DAY + H, ['compliment']),
      ],
      since,
    );
    const h = scoreHealth(c.metrics, c.detail, DEFAULT_WEIGHTS);
    // Reply: Wed 10–17 (7h) + Thu 8 + Fri 8 + Mon 9–14 (5) = 28 business hours; the second wait took 1 h.
    expect(c.metrics.reply_median_business_s).toBe(1 * 3600);
    expect(c.metrics.reply_p90_s).toBe((Date.parse('2025-06-02T14:00:00Z') - wed) / 1000);
    // speed (72−1)/68 → 1; no open wait → 1; nudge rate ½ → ½.
    expect(h.factors.responsiveness.value).toBeCloseTo((1 + 1 + 0.5) / 3, 12);
    // 2 touches in 90 days = 2/3 per 30 d against 2 → ratio ⅓; last touch 2 days ago, not overdue.
    expect(c.metrics.attention_ratio).toBeCloseTo(1 / 3, 12);
    expect(h.factors.attention.value).toBeCloseTo(1 / 3, 12);
    // interest, knowledge, compliment → 3 / 4.
    expect(h.factors.care.value).toBe(0.75);
    // 3 inbound emails in 90 days (the nudge counts too) → 1 per 30 days against 2, halved for Globex.
    expect(c.metrics.inbound_per_30d).toBe(1);
    expect(h.factors.engagement.value).toBe(0.25);
    // 2 gives, 1 ask → 2/3.
    expect(h.factors.reciprocity.value).toBeCloseTo(2 / 3, 12);
    const expected = Math.round(100 * (0.3 * (2.5 / 3) + 0.25 / 3 + 0.2 * 0.75 + 0.15 * 0.25 + 0.1 * (2 / 3)));
    expect(h.score).toBe(expected);
    expect(h.status).toBe(statusOf(expected));
    for (const f of Object.values(h.factors)) expect(f.explanation).toMatch(/\d/);
    expect(h.factors.attention.explanation).toContain('33%');
    expect(h.factors.engagement.explanation).toContain('Globex');
  });

  it('in the honeymoon attention is full marks, halved when overdue', () => {
    const c = computed([ix('call', 'out', NOW - 20 * DAY)], NOW - 30 * DAY, 10);
    const h = scoreHealth(c.metrics, c.detail, DEFAULT_WEIGHTS);
    expect(c.metrics.overdue).toBe(true);
    expect(h.factors.attention.value).toBe(0.5);
    expect(h.factors.attention.explanation).toContain('day 31 of 90');
  });

  it('a contact nothing has happened with yet is unscored, not at risk', () => {
    const c = computed([], null);
    const h = scoreHealth(c.metrics, c.detail, DEFAULT_WEIGHTS);
    for (const name of ['responsiveness', 'attention', 'care', 'engagement', 'reciprocity'] as const) expect(h.factors[name].value).toBeNull();
    expect(h.factors.care.explanation).toBe('Nothing with them yet: no mail, call, meeting or note to measure.');
    expect(h.score).toBeNull();
    expect(h.status).toBeNull();
  });

  it('factors without data are left out of the weighted mean; care without a give is 0 once anything happened', () => {
    // One inbound note long ago: no wait in the window, no touch, no honeymoon baseline, nothing given or asked.
    const c = computed([ix('note', 'in', NOW - 400 * DAY)], null);
    const h = scoreHealth(c.metrics, c.detail, DEFAULT_WEIGHTS);
    expect(h.factors.responsiveness.value).toBeNull();
    expect(h.factors.attention.value).toBeNull();
    expect(h.factors.engagement.value).toBeNull();
    expect(h.factors.reciprocity.value).toBeNull();
    // Only care (0) has data.
    expect(h.factors.care.value).toBe(0);
    expect(h.score).toBe(0);
    expect(h.status).toBe('at_risk');
    expect(scoreHealth(c.metrics, c.detail, { ...DEFAULT_WEIGHTS, care: 0 }).score).toBeNull();
  });

  it.each([
    [100, 'thriving'], [75, 'thriving'], [74, 'steady'], [55, 'steady'], [54, 'cooling'], [35, 'cooling'], [34, 'at_risk'], [0, 'at_risk'], [null, null],
  ])('score %s is %s', (score, status) => expect(statusOf(score)).toBe(status));

  it.each([
    ['a fall of 15 from a recent score', 60, [80, 75], true],
    ['a fall of 14', 61, [75], false],
    ['no earlier score', 20, [], false],
    ['a rise', 90, [70], false],
  ])('slipping: %s', (_n, score, earlier, expected) => expect(isSlipping(score, earlier)).toBe(expected));
});
