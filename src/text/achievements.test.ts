import { describe, expect, it } from 'vitest';
import { detectAchievements } from './achievements.js';

const rules = (text: string, extra?: string[]) => detectAchievements(text, extra).map((a) => a.rule);

describe('detectAchievements', () => {
  it.each([
    ['We launched the new app yesterday.', 'achievement.launch'],
    ['We just launched our store!', 'achievement.launch'],
    ['The new site went live on Monday.', 'achievement.launch'],
    ['I got promoted to head of sales.', 'achievement.promotion'],
    ["She's been promoted.", 'achievement.promotion'],
    ['We won the regional tender.', 'achievement.won'],
    ['Our team won an award for design.', 'achievement.won'],
    ['We received the Best Employer award.', 'achievement.award'],
    ['It is our 10th anniversary next week.', 'achievement.anniversary'],
    ['Great news: a new baby in the family.', 'achievement.baby'],
    ['We had a baby girl on Sunday.', 'achievement.baby'],
    ['We got married in June.', 'achievement.wedding'],
    ['We just raised a $2M seed round.', 'achievement.funding'],
    ['We closed our Series A.', 'achievement.funding'],
    ['My son graduated last week.', 'achievement.graduation'],
  ])('%j → %s', (text, rule) => {
    expect(rules(text)).toContain(rule);
  });

  it.each([
    "I won't be able to make it.",
    'The launch date is not set yet.',
    "We haven't launched yet.",
    'Our promotion on shoes ends Friday.',
    'Please send the invoice.',
    '',
  ])('%j has none', (text) => {
    expect(detectAchievements(text)).toEqual([]);
  });

  it('returns the sentence as the phrase', () => {
    expect(detectAchievements('Hi Sam. Big news: we launched our new app! Talk soon.')).toEqual([
      { rule: 'achievement.launch', phrase: 'Big news: we launched our new app!' },
    ]);
  });

  it('ignores achievements in quoted history', () => {
    const reply = 'Thanks!\n\nOn Mon, 3 Mar 2025 at 10:00, Me <me@x.com> wrote:\n> Congrats, I heard you got promoted!';
    expect(detectAchievements(reply)).toEqual([]);
  });

  it('applies extra phrases as whole words, any case, blank ones ignored', () => {
    expect(detectAchievements('We passed the ISO  27001 audit.', ['iso 27001', ' ', 'audit'])).toEqual([
      { rule: 'custom:iso 27001', phrase: 'We passed the ISO 27001 audit.' },
      { rule: 'custom:audit', phrase: 'We passed the ISO 27001 audit.' },
    ]);
    expect(rules('auditing is boring', ['audit'])).toEqual([]);
  });

  it('cuts long sentences to 200 characters', () => {
    const [a] = detectAchievements(`We launched ${'x'.repeat(300)}.`);
    expect(a!.phrase.length).toBe(200);
    expect(a!.phrase.endsWith('…')).toBe(true);
  });
});
