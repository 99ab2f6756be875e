import { describe, expect, it } from 'vitest';
import { selectNewOwed, selectPlan, type PlanCandidate } from './plan.js';
import type { SuggestionKind } from './suggestions.schema.js';

let n = 0;
function c(kind: SuggestionKind, priority: number, extra: Partial<PlanCandidate> = {}): PlanCandidate {
  n += 1;
  const id = extra.id ?? `${kind}-${priority}-${n}`;
  return { id, kind, contact_id: `ct_${id}`, priority, due_at: 0, cause: `${kind}:${id}`, created_at: 0, ...extra };
}

const kindsOf = (picks: { id: string }[], all: PlanCandidate[]) => picks.map((p) => all.find((x) => x.id === p.id)?.kind);

describe('selectPlan', () => {
  const cases: { name: string; candidates: PlanCandidate[]; size: number; kinds: (SuggestionKind | undefined)[] }[] = [
    { name: 'nothing open gives an empty plan', candidates: [], size: 10, kinds: [] },
    {
      name: 'a wall of replies still leaves 4 of 10 places to other behaviours, one of each kind',
      candidates: [
        ...Array.from({ length: 50 }, (_, i) => c('reply', 90 - (i % 30))),
        ...Array.from({ length: 20 }, (_, i) => c('reconnect', 60 - i)),
        ...Array.from({ length: 20 }, (_, i) => c('surprise', 55 - i)),
        c('compliment', 45),
        c('share_knowledge', 40),
        c('check_in', 30),
      ],
      size: 10,
      kinds: ['reply', 'reply', 'reply', 'reply', 'reply', 'reply', 'reconnect', 'surprise', 'compliment', 'share_knowledge'],
    },
    {
      name: 'due promises rank with replies by priority, above the other behaviours',
      candidates: [c('reply', 70), c('keep_promise', 85), c('reconnect', 95), c('reply', 60)],
      size: 10,
      kinds: ['keep_promise', 'reply', 'reply', 'reconnect'],
    },
    {
      name: 'places the others cannot fill go to owed items',
      candidates: [...Array.from({ length: 12 }, (_, i) => c('reply', 80 - i)), c('surprise', 50)],
      size: 10,
      kinds: ['reply', 'reply', 'reply', 'reply', 'reply', 'reply', 'reply', 'reply', 'reply', 'surprise'],
    },
    {
      name: 'places owed items leave empty go to more of the other behaviours, kinds in turn',
      candidates: [c('reply', 80), c('reconnect', 60), c('reconnect', 59), c('reconnect', 58), c('surprise', 50), c('surprise', 49)],
      size: 10,
      kinds: ['reply', 'reconnect', 'surprise', 'reconnect', 'surprise', 'reconnect'],
    },
    { name: 'a plan of 1 is the most urgent item', candidates: [c('reconnect', 99), c('reply', 51)], size: 1, kinds: ['reply'] },
    { name: 'a plan of 3 keeps one place for another behaviour', candidates: [c('reply', 90), c('reply', 89), c('reply', 88), c('compliment', 40)], size: 3, kinds: ['reply', 'reply', 'compliment'] },
  ];
  it.each(cases)('$name', ({ candidates, size, kinds }) => {
    expect(kindsOf(selectPlan(candidates, size), candidates)).toEqual(kinds);
  });

  it('is the same plan whatever the order of its input', () => {
    const all = [c('reply', 70), c('reply', 70, { due_at: 5 }), c('reconnect', 50), c('surprise', 50), c('reconnect', 50, { cause: 'a' }), c('compliment', 20)];
    const plan = selectPlan(all, 4);
    expect(selectPlan([...all].reverse(), 4)).toEqual(plan);
    expect(selectPlan([all[3]!, all[0]!, all[5]!, all[1]!, all[4]!, all[2]!], 4)).toEqual(plan);
  });

  it('proposes each person once among the other behaviours', () => {
    const all = [c('reconnect', 60, { contact_id: 'ada' }), c('surprise', 55, { contact_id: 'ada' }), c('surprise', 40, { contact_id: 'bob' })];
    expect(selectPlan(all, 10).map((p) => all.find((x) => x.id === p.id)?.contact_id)).toEqual(['ada', 'bob']);
  });

  it('says why each item is in the plan', () => {
    const all = [c('reply', 90), c('reply', 80), c('reply', 70), c('reply', 69), c('reconnect', 60), c('reconnect', 50), c('surprise', 40)];
    expect(selectPlan(all, 5).map((p) => p.why)).toEqual([
      'Reply 1 of 3 today (4 open): people waiting on you come first.',
      'Reply 2 of 3 today (4 open): people waiting on you come first.',
      'Reply 3 of 3 today (4 open): people waiting on you come first.',
      'Reconnect, the best of 2, one of 2 behaviours today: a quiet relationship, worth a question about them.',
      'Surprise, one of 2 behaviours today: a small surprise where it counts.',
    ]);
  });
});

describe('selectNewOwed', () => {
  it('adds owed items that appeared after the plan, best first, at most the cap', () => {
    const old = c('reply', 99, { created_at: 100 });
    const planned = c('reply', 50, { created_at: 300 });
    const fresh = [c('reply', 60, { created_at: 300 }), c('keep_promise', 80, { created_at: 250 }), c('reply', 70, { created_at: 400 })];
    const reconnect = c('reconnect', 90, { created_at: 300 });
    const picks = selectNewOwed([old, planned, ...fresh, reconnect], new Set([planned.id]), 200, 2);
    expect(picks.map((p) => p.id)).toEqual([fresh[1]!.id, fresh[2]!.id]);
    expect(picks[0]?.why).toBe("New since today's plan was made: a promise due now comes before anything new.");
  });
});
