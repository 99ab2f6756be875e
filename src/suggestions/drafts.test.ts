/** Drafts worth sending: they name the thread or the promise and say what comes next. */
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import { suggest } from './engine.js';
import type { EngineContact, EngineInput } from './engine.types.js';

const NOW = Date.parse('2026-03-10T10:00:00Z');

function contact(id: string, name: string): EngineContact {
  return {
    id, name, email: `${id}@x.example`, kind: 'customer', stage: 'established', relationship_start: NOW - 400 * DAY_MS, client_since: null, keep_in_touch_days: null,
    score: 70, status: 'steady', slipping: false, last_touch_at: NOW - DAY_MS, metrics: null, last_surprise_at: NOW - DAY_MS, last_compliment_at: null, last_interest_at: null,
  };
}

function input(partial: Partial<EngineInput>): EngineInput {
  return {
    settings: { time_zone: 'UTC', honeymoon_days: 90, business_day_s: 8 * 3600 },
    contacts: [], waits: [], facts: [], commitments: [], knowledge: [], shares: [], achievements: [],
    ...partial,
  };
}

describe('drafts', () => {
  const ada = contact('ada', 'Ada Lovelace');
  it.each([
    ['a nudged wait names the thread and offers a call when a competitor is in view', { nudges: 2, competitors: ['Globex'], wait_business_s: 3 * 8 * 3600 },
      'Hi Ada,\n\nThank you for following up, and sorry to keep you waiting. Here is my answer on "Pricing":\n\n[Your answer]\n\nIf it helps you decide, I am happy to go through it together on a short call this week.\n\nBest regards,'],
    ['a fresh wait thanks them for the message on its subject', { nudges: 0, competitors: [], wait_business_s: 3600 },
      'Hi Ada,\n\nThanks for your message about "Pricing".\n\n[Your answer]\n\nIf anything is unclear, just reply and I will follow up.\n\nBest regards,'],
  ])('%s', (_name, wait, draft) => {
    const [reply] = suggest(input({ contacts: [ada], waits: [{ contact_id: 'ada', thread_id: 'th', subject: 'Pricing', since: NOW - DAY_MS, last_in_at: null, ...wait }] }), NOW);
    expect(reply?.draft).toBe(draft);
  });

  it.each([
    ['due tomorrow', NOW + 20 * HOUR_MS, 'Hi Ada,\n\nAs promised, here is the signed proposal.\n\n'],
    ['two days late', NOW - 2 * DAY_MS, 'Hi Ada,\n\nI promised you the signed proposal by Sunday 8 March, and I am late: I am sorry. Here it is.\n\n'],
  ])('a promise %s names what was promised', (_name, due, start) => {
    const [promise] = suggest(input({ contacts: [ada], commitments: [{ id: 'cm', contact_id: 'ada', text: 'the signed proposal', due_at: due }] }), NOW);
    expect(promise?.kind).toBe('keep_promise');
    expect(promise?.draft?.startsWith(start)).toBe(true);
  });
});
