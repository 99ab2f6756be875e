import { describe, expect, it } from 'vitest';
import { TAG_RULES, detectTags, normalizeUrl } from './behaviors.js';

/** The origins that fired, e.g. ['rule:interest.how-is']. */
const origins = (text: string, knowledgeUrls?: string[]) => detectTags(text, { knowledgeUrls }).map((t) => t.origin);
const behaviors = (text: string, knowledgeUrls?: string[]) => detectTags(text, { knowledgeUrls }).map((t) => t.behavior);

describe('detectTags (SPEC §4.6): each rule fires on its phrase', () => {
  it.each([
    // interest
    ['How is the new office working out', 'rule:interest.how-is'],
    ["How's the family", 'rule:interest.how-is'],
    ['how was the conference', 'rule:interest.how-is'],
    ['How are the kids', 'rule:interest.how-is'],
    ['What do you think about the draft', 'rule:interest.what-do-you-think'],
    ['Would you prefer Tuesday or Wednesday', 'rule:interest.would-you-prefer'],
    ['Do you prefer email', 'rule:interest.would-you-prefer'],
    ['Is the timeline still right for your team?', 'rule:interest.question-you'],
    ['Did you manage to rest over the holidays?', 'rule:interest.question-you'],
    // compliment
    ['Great job on the migration.', 'rule:compliment.great-job'],
    ['Really nice work on the report.', 'rule:compliment.great-job'],
    ['Thanks for your great work.', 'rule:compliment.great-job'],
    ['Hi, great idea!', 'rule:compliment.great-job'],
    ["You're amazing at this.", 'rule:compliment.you-are'],
    ['You were so helpful yesterday.', 'rule:compliment.you-are'],
    ['You did a fantastic', 'rule:compliment.you-did'],
    ['You made the event look excellent', 'rule:compliment.you-did'],
    ['Your presentation was excellent.', 'rule:compliment.your-work-is'],
    ['Your new website looks really beautiful.', 'rule:compliment.your-work-is'],
    ['You nailed it.', 'rule:compliment.nailed-it'],
    ['I was impressed by your talk.', 'rule:compliment.impressed'],
    ['I love your new logo.', 'rule:compliment.impressed'],
    ['Congratulations on the launch.', 'rule:compliment.well-done'],
    ['Kudos to the team.', 'rule:compliment.well-done'],
    // knowledge
    ['Quick tip: use the export button.', 'rule:knowledge.tip'],
    ['A few tips for the rollout.', 'rule:knowledge.tip'],
    ['Did you know the API has a bulk endpoint.', 'rule:knowledge.did-you-know'],
    ['Heads-up: prices change in May.', 'rule:knowledge.heads-up'],
    ['heads up, the office is closed', 'rule:knowledge.heads-up'],
    ["Thought you'd find this report useful.", 'rule:knowledge.thought-youd-find'],
    ['You might find this useful.', 'rule:knowledge.thought-youd-find'],
    // enthusiasm
    ['See you there!', 'rule:enthusiasm.exclamation'],
    ['We shipped it 🎉', 'rule:enthusiasm.emoji'],
    ['This is awesome, it really is wonderful', 'rule:enthusiasm.positive-sentiment'],
    // humor
    ['haha that was the plan', 'rule:humor.laughter'],
    ['Hahaha', 'rule:humor.laughter'],
    ['lol the printer again', 'rule:humor.laughter'],
    ['the printer again :)', 'rule:humor.emoticon'],
    ['see you then ;-)', 'rule:humor.emoticon'],
    ['printer again :D', 'rule:humor.emoticon'],
    ['the printer again 😂', 'rule:humor.emoji'],
    ['the printer 😄', 'rule:humor.emoji'],
    // ask
    ['The invoice is attached.', 'rule:ask.invoice'],
    ['Your payment is due Friday.', 'rule:ask.payment'],
    ['Time to renew the contract.', 'rule:ask.renew'],
    ['The renewal is coming up.', 'rule:ask.renew'],
    ['An upgrade to Pro would help.', 'rule:ask.upgrade'],
    ['Could you check the figures.', 'rule:ask.could-you'],
    ['Please send the signed contract.', 'rule:ask.please-send'],
    ['Our new pricing starts in May.', 'rule:ask.pricing'],
    ['Would you leave us a review.', 'rule:ask.favour'],
  ])('%j → %s', (text, origin) => {
    expect(origins(text)).toContain(origin);
  });
});

describe('detectTags: what must not fire', () => {
  it.each([
    ['I tipped the courier and the tipping point passed.', 'knowledge'],
    ['The multiple-choice form is at example.com/tips.', 'knowledge'],
    ['Meeting notes attached.', 'interest'],
    ['Are the files on the server?', 'interest'],
    ['Could you send the invoice?', 'interest'],
    ['Our team did great work this quarter.', 'compliment'],
    ['We did a good job there.', 'compliment'],
    ['my great idea', 'compliment'],
    ['Hope you have a great weekend.', 'compliment'],
    ['We will see. The report is done.', 'enthusiasm'],
    ['if (a != b) return', 'enthusiasm'],
    ['Good morning John, notes attached.', 'enthusiasm'],
    ['Steps: 1) plan 2) build 8) ship', 'humor'],
    ['Note:Pricing is fixed', 'humor'],
    ['holler at me', 'humor'],
    ['The invoicing module is live.', 'heroics'],
    ['We deployed late at night to meet your deadline.', 'heroics'],
    ['We went to the store.', 'ask'],
  ])('%j has no %s tag', (text, behavior) => {
    expect(behaviors(text)).not.toContain(behavior);
  });

  it('ignores quoted history and signatures (own text only)', () => {
    const reply = 'Noted, thank you.\n\nOn Mon, 3 Mar 2025 at 10:00, Ann <ann@x.com> wrote:\n> How are your kids? Could you send the invoice? haha!\n';
    expect(detectTags(reply)).toEqual([]);
  });

  it('ignores a "?" inside a URL', () => {
    expect(behaviors('Your report: https://x.com/r?id=you')).not.toContain('interest');
  });

  it('tags nothing in empty text', () => {
    expect(detectTags('')).toEqual([]);
    expect(detectTags('> only quoted')).toEqual([]);
  });

  it('never detects heroics or surprise from text', () => {
    expect(TAG_RULES.some((r) => r.behavior === 'heroics' || r.behavior === 'surprise')).toBe(false);
  });
});

describe('detectTags: knowledge links', () => {
  const items = ['https://www.example.com/guides/onboarding/', 'https://blog.acme.io/post?id=7'];
  it.each([
    ['Here is our guide: https://example.com/guides/onboarding', true],
    ['See http://www.EXAMPLE.com/guides/onboarding#step-2.', true],
    ['Read https://blog.acme.io/post?id=7&utm_source=mail today', true],
    ['See https://example.com/guides/other', false],
    ['See https://blog.acme.io/post?id=8', false],
  ])('%j → %s', (text, expected) => {
    expect(origins(text, items).includes('rule:knowledge.link')).toBe(expected);
  });

  it('normalizes links the way a reader compares them', () => {
    expect(normalizeUrl('HTTPS://WWW.Example.com/a/?utm_medium=x#top')).toBe('example.com/a');
    expect(normalizeUrl('www.example.com/a/')).toBe('example.com/a');
  });
});

describe('detectTags: one tag per behaviour, named by the first rule', () => {
  it('combines behaviours and records each origin', () => {
    expect(detectTags('How was the launch? Great job! Quick tip: renew before May haha')).toEqual([
      { behavior: 'interest', origin: 'rule:interest.how-is' },
      { behavior: 'compliment', origin: 'rule:compliment.great-job' },
      { behavior: 'knowledge', origin: 'rule:knowledge.tip' },
      { behavior: 'enthusiasm', origin: 'rule:enthusiasm.exclamation' },
      { behavior: 'humor', origin: 'rule:humor.laughter' },
      { behavior: 'ask', origin: 'rule:ask.renew' },
    ]);
  });

  it('rule names are unique and readable', () => {
    const names = TAG_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of TAG_RULES) {
      expect(r.name.startsWith(`${r.behavior}.`)).toBe(true);
      expect(r.pattern !== undefined || r.test !== undefined).toBe(true);
    }
  });
});
