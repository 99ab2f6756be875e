import { describe, expect, it } from 'vitest';
import { detectTags } from '../text/index.js';
import { coachDraft, type CoachContext } from './coach.js';

const base: CoachContext = {
  name: 'Ada Lovelace',
  stage: 'established',
  behaviors_180d: { interest: 2, compliment: 0, knowledge: 1, enthusiasm: 0 },
  gives_180d: 3,
  asks_180d: 1,
  wait: null,
  business_day_s: 8 * 3600,
  last_inbound: null,
};

describe('coachDraft', () => {
  it('asks to acknowledge a long, nudged wait', () => {
    const r = coachDraft('Here are the numbers.', { ...base, wait: { wait_business_s: 2 * 8 * 3600, nudges: 1 } }, detectTags);
    expect(r.advice[0]).toBe('Ada has waited 2 business days and wrote again once: acknowledge the wait first ("Sorry to keep you waiting…").');
    const ok = coachDraft('Sorry to keep you waiting. Here are the numbers.', { ...base, wait: { wait_business_s: 2 * 8 * 3600, nudges: 1 } }, detectTags);
    expect(ok.advice.join(' ')).not.toContain('acknowledge the wait');
  });

  it('lists each question of their last message the draft leaves unanswered', () => {
    const r = coachDraft('The invoice is attached.', { ...base, last_inbound: 'Can you send the invoice? And when does the training start?' }, detectTags);
    expect(r.advice).toEqual(['Answer their question: "And when does the training start?"']);
  });

  it('warns against asking without giving when the ledger is low', () => {
    const r = coachDraft('Could you please send the payment for the renewal invoice?', { ...base, gives_180d: 1, asks_180d: 2 }, detectTags);
    expect(r.shows).toContain('ask');
    expect(r.advice.join(' ')).toContain('in 180 days you gave 1 time for 2 asks: give before you ask');
  });

  it('reports the behaviours shown and the ones this relationship has been missing', () => {
    const r = coachDraft('How was your trip to Lisbon? What do you think of the new plan?', base, detectTags);
    expect(r.shows).toContain('interest');
    expect(r.missing).toEqual(['compliment', 'enthusiasm']);
  });
});
