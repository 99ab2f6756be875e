import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import { suggest } from './engine.js';
import type { EngineContact, EngineFact, EngineInput } from './engine.types.js';
import { nextOccurrence } from './rules/gifts.js';

const NOW = Date.parse('2025-03-10T10:00:00Z'); // a Monday

function contact(id: string, over: Partial<EngineContact> = {}): EngineContact {
  return {
    id,
    name: `${id.charAt(0).toUpperCase()}${id.slice(1)} Example`,
    email: `${id}@client.example`,
    kind: 'customer',
    stage: 'established',
    relationship_start: NOW - 400 * DAY_MS,
    client_since: null,
    keep_in_touch_days: null,
    score: 70,
    status: 'steady',
    slipping: false,
    last_touch_at: NOW - 3 * DAY_MS,
    metrics: {
      overdue: false,
      days_since_last_touch: 3,
      typical_gap_days: 10,
      competitor_mentions_90d: 0,
      attention_ratio: 1,
      gives_180d: 3,
      asks_180d: 1,
    },
    last_surprise_at: null,
    last_compliment_at: null,
    last_interest_at: null,
    ...over,
  };
}

function fact(id: string, contactId: string, kind: EngineFact['kind'], text: string, over: Partial<EngineFact> = {}): EngineFact {
  return { id, contact_id: contactId, kind, text, date: null, yearly: false, created_at: NOW - 30 * DAY_MS, ...over };
}

function input(over: Partial<EngineInput> = {}): EngineInput {
  return {
    settings: { time_zone: 'UTC', honeymoon_days: 90, business_day_s: 8 * 3600 },
    contacts: [],
    waits: [],
    facts: [],
    commitments: [],
    knowledge: [],
    shares: [],
    achievements: [],
    ...over,
  };
}

const overdue = (days: number, gap = 10) => ({
  overdue: true,
  days_since_last_touch: days,
  typical_gap_days: gap,
  competitor_mentions_90d: 0,
  attention_ratio: 0.4,
  gives_180d: 1,
  asks_180d: 1,
});

describe('suggest', () => {
  it('ranks a nudged open wait first, and says how long, when they wrote again and which competitor', () => {
    const out = suggest(
      input({
        contacts: [contact('ada', { name: 'Ada Lovelace' }), contact('bob'), contact('cy')],
        waits: [
          { contact_id: 'bob', thread_id: 'th_b', subject: 'Invoice', since: NOW - 5 * DAY_MS, wait_business_s: 3 * 8 * 3600, nudges: 0, last_in_at: null, competitors: [] },
          { contact_id: 'ada', thread_id: 'th_a', subject: 'Pricing', since: NOW - 3 * DAY_MS, wait_business_s: 2 * 8 * 3600, nudges: 1, last_in_at: NOW - DAY_MS, competitors: ['Globex'] },
        ],
        commitments: [{ id: 'cm_1', contact_id: 'cy', text: 'proposal', due_at: NOW + 20 * HOUR_MS }],
      }),
      NOW,
    );
    expect(out.map((s) => [s.kind, s.contact_id])).toEqual([
      ['reply', 'ada'],
      ['keep_promise', 'cy'],
      ['reply', 'bob'],
    ]);
    expect(out[0]!.reason).toBe('Ada has waited 2 business days for your reply to "Pricing" and wrote again yesterday; Globex was mentioned.');
    expect(out[0]!.draft).toContain('Thank you for following up, and sorry to keep you waiting.');
    expect(out[0]!.behavior).toBe('responsiveness');
  });

  it.each([
    ['due tomorrow', NOW + 26 * HOUR_MS, true, /is due tomorrow at 12:00/],
    ['overdue by two days', NOW - 2 * DAY_MS, true, /was due 2 days ago/],
    ['due in three days', NOW + 3 * DAY_MS, false, null],
  ])('keep_promise for a commitment %s: %s', (_label, due, expected, words) => {
    const out = suggest(input({ contacts: [contact('ada')], commitments: [{ id: 'cm_1', contact_id: 'ada', text: 'proposal by Friday', due_at: due }] }), NOW);
    expect(out.some((s) => s.kind === 'keep_promise')).toBe(expected);
    if (words) {
      expect(out[0]).toMatchObject({ kind: 'keep_promise', behavior: 'heroics', cause: 'keep_promise:cm_1', due_at: due });
      expect(out[0]!.reason).toMatch(words);
    }
  });

  it('reconnects an overdue contact with a question from a stored fact, or asks for a missing one', () => {
    const out = suggest(
      input({
        contacts: [contact('ada', { metrics: overdue(31) }), contact('bob', { metrics: overdue(40, 2.134189814814815) }), contact('cy')],
        facts: [fact('fa_1', 'ada', 'interest', 'sailing'), fact('fa_2', 'ada', 'gift_idea', 'a compass')],
      }),
      NOW,
    );
    const ada = out.find((s) => s.contact_id === 'ada')!;
    expect(ada).toMatchObject({ kind: 'reconnect', behavior: 'interest' });
    expect(ada.reason).toBe('Last touch with Ada was 31 days ago; you usually keep in touch every 10 days. You noted "sailing" (interest): ask about it.');
    expect(ada.draft).toContain('Are you still into sailing?');
    expect(ada.draft).not.toContain('compass');
    const bob = out.find((s) => s.contact_id === 'bob')!;
    expect(bob.reason).toContain('Nothing is noted about their interests yet');
    // A 2.1-day gap is below the 14-day floor: the reason names the floor, as the health panel does.
    expect(bob.reason).toMatch(/^Last touch with Bob was 40 days ago; one is expected every 14 days\./);
    expect(out.some((s) => s.contact_id === 'cy')).toBe(false);
  });

  it.each([
    ['two honeymoon mails a day apart: the 14-day floor, as the health panel says', {}, 1, 'one is expected every 14 days'],
    ['a gap under a week still falls under the floor', {}, 6.2, 'one is expected every 14 days'],
    ['a gap of a week or more sets the pace', {}, 9, 'you usually keep in touch every 9 days'],
    ['keep in touch every 45 days', { keep_in_touch_days: 45 }, 1, 'you meant to keep in touch every 45 days'],
  ])('reconnect 306 days after the last touch, %s', (_name, over, gap, rhythm) => {
    const out = suggest(input({ contacts: [contact('ada', { ...over, metrics: overdue(306, gap) })] }), NOW);
    const reason = out.find((s) => s.kind === 'reconnect')!.reason;
    expect(reason).toMatch(new RegExp(`^Last touch with Ada was 306 days ago; ${rhythm}\\.`));
    expect(reason).not.toMatch(/every 1 day\b/);
  });

  it('gives whole-number priorities 0-100 when the days since the last touch are fractional', () => {
    const out = suggest(
      input({
        contacts: [
          contact('ada', { keep_in_touch_days: 14, metrics: overdue(28.94900462962963) }),
          contact('bob', { status: 'at_risk', score: 10, metrics: overdue(400.5, 3) }),
        ],
      }),
      NOW,
    );
    expect(out.filter((s) => s.kind === 'reconnect').map((s) => [s.contact_id, s.priority])).toEqual([
      ['bob', 65],
      ['ada', 55],
    ]);
    for (const s of out) expect(Number.isInteger(s.priority) && s.priority >= 0 && s.priority <= 100).toBe(true);
  });

  it('proposes a knowledge item matching an interest once, and not after it is shared', () => {
    const base = input({
      contacts: [contact('ada')],
      facts: [fact('fa_1', 'ada', 'interest', 'sailing')],
      knowledge: [
        { id: 'kn_1', title: 'Ten knots', url: 'https://example.com/k', topics: ['sailing', 'boats'], created_at: NOW - DAY_MS },
        { id: 'kn_2', title: 'Tax tips', url: null, topics: ['tax'], created_at: NOW },
      ],
    });
    const before = suggest(base, NOW).filter((s) => s.kind === 'share_knowledge');
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ cause: 'share_knowledge:ada:kn_1', behavior: 'knowledge' });
    expect(before[0]!.reason).toBe('Ada is interested in sailing; "Ten knots" (topic: sailing) has not been shared with them yet.');
    expect(before[0]!.draft).toContain('https://example.com/k');
    const after = suggest({ ...base, shares: [{ knowledge_id: 'kn_1', contact_id: 'ada' }] }, NOW);
    expect(after.filter((s) => s.kind === 'share_knowledge')).toEqual([]);
  });

  it.each([
    ['a birthday in 5 days with a gift idea names it', '1985-03-15', null, true, 'Gift idea: a book on knots.'],
    ['a birthday in 20 days is too far', '1985-03-30', null, false, null],
    ['a surprise 100 days ago means not again yet', '1985-03-15', NOW - 100 * DAY_MS, false, null],
  ])('surprise: %s', (_label, date, lastSurprise, expected, words) => {
    const out = suggest(
      input({
        contacts: [contact('ada', { last_surprise_at: lastSurprise })],
        facts: [fact('fa_1', 'ada', 'important_date', 'Birthday', { date, yearly: true }), fact('fa_2', 'ada', 'gift_idea', 'a book on knots')],
      }),
      NOW,
    ).filter((s) => s.kind === 'surprise');
    expect(out.length > 0).toBe(expected);
    if (words) {
      expect(out[0]!.reason).toBe(`Ada's birthday is in 5 days (Saturday 15 March), with no surprise on record in 180 days. ${words}`);
      expect(out[0]!.draft).toContain('Happy birthday, Ada!');
      expect(out[0]!.cause).toBe('surprise:ada:fa_1:2025-03-15');
    }
  });

  it('finds client anniversaries and a cooling valuable client for a surprise', () => {
    const out = suggest(
      input({
        contacts: [
          contact('ada', { client_since: Date.parse('2022-03-12T00:00:00Z') }),
          contact('bob', { status: 'cooling', score: 48, client_since: Date.parse('2023-06-01T00:00:00Z') }),
        ],
      }),
      NOW,
    ).filter((s) => s.kind === 'surprise');
    expect(out.map((s) => s.contact_id).sort()).toEqual(['ada', 'bob']);
    expect(out.find((s) => s.contact_id === 'ada')!.reason).toMatch(/^Ada's 3-year client anniversary is in 2 days \(Wednesday 12 March\)/);
    expect(out.find((s) => s.contact_id === 'bob')!.reason).toMatch(/is cooling \(health 48\)/);
  });

  it('compliments a recent achievement, fact or detected in mail with its rule, until acknowledged', () => {
    const base = input({
      contacts: [contact('ada'), contact('bob')],
      facts: [fact('fa_1', 'ada', 'achievement', 'promoted to VP', { created_at: NOW - 2 * DAY_MS }), fact('fa_2', 'bob', 'achievement', 'old news', { created_at: NOW - 20 * DAY_MS })],
      achievements: [{ contact_id: 'bob', interaction_id: 'ix_9', at: NOW - DAY_MS, rule: 'launched', excerpt: 'we launched the new app' }],
    });
    const out = suggest(base, NOW).filter((s) => s.kind === 'compliment');
    expect(out.map((s) => s.cause).sort()).toEqual(['compliment:ada:fact:fa_1', 'compliment:bob:ix:ix_9']);
    expect(out.find((s) => s.contact_id === 'bob')!.reason).toBe('Bob wrote "we launched the new app" (rule: launched) yesterday, and you have not acknowledged it yet.');
    const acknowledged = suggest({ ...base, contacts: [contact('ada', { last_compliment_at: NOW - DAY_MS }), contact('bob')] }, NOW);
    expect(acknowledged.filter((s) => s.kind === 'compliment').map((s) => s.contact_id)).toEqual(['bob']);
  });

  it.each([
    ['10 days before the honeymoon ends', 80, true],
    ['20 days before it ends', 70, false],
    ['after it ended', 95, false],
  ])('check_in %s', (_label, daysIn, expected) => {
    const stage = daysIn < 90 ? 'honeymoon' : 'established';
    const out = suggest(input({ contacts: [contact('ada', { stage, relationship_start: NOW - daysIn * DAY_MS })] }), NOW);
    expect(out.some((s) => s.kind === 'check_in')).toBe(expected);
    if (expected) expect(out[0]!.reason).toMatch(/^The honeymoon with Ada ends in 10 days \(90 days since/);
  });

  it('is deterministic: the same data and now give the same list', () => {
    const data = input({
      contacts: [contact('ada', { metrics: overdue(30) }), contact('bob', { metrics: overdue(30) })],
      facts: [fact('fa_1', 'ada', 'interest', 'jazz'), fact('fa_2', 'bob', 'interest', 'jazz')],
      knowledge: [{ id: 'kn_1', title: 'Blue Note', url: null, topics: ['jazz'], created_at: NOW }],
    });
    expect(suggest(data, NOW)).toEqual(suggest(structuredClone(data), NOW));
    expect(suggest(data, NOW).map((s) => s.contact_id)).toEqual(['ada', 'bob', 'ada', 'bob']);
  });
});

describe('nextOccurrence', () => {
  it.each([
    ['1985-03-15', true, '2025-03-15', 40],
    ['1985-03-01', true, '2026-03-01', 41],
    ['1984-02-29', true, '2026-02-28', 42],
    ['2025-03-10', false, '2025-03-10', 0],
  ])('%s yearly=%s → %s', (date, yearly, expected, years) => {
    const next = nextOccurrence(date, yearly, date === '1984-02-29' ? Date.parse('2025-03-10T00:00:00Z') : NOW, 'UTC')!;
    expect(new Date(next.at).toISOString().slice(0, 10)).toBe(expected);
    expect(next.years).toBe(years);
  });
});
