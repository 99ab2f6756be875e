/**
 * Today's plan: from every open suggestion, the few a person can finish in a day. Owed work
 * comes first (replies, then promises that are due), but a share of the plan is kept for
 * the other behaviours (reconnect, surprise, compliment, knowledge, check-in), one kind at a
 * time, so that a day practises several of them instead of draining a reply queue. Pure and
 * deterministic: the same candidates and size always give the same plan.
 */
import type { SuggestionKind } from './suggestions.schema.js';

export interface PlanCandidate {
  id: string;
  kind: SuggestionKind;
  contact_id: string;
  priority: number;
  due_at: number;
  cause: string;
  /** When the suggestion first appeared (for new urgent items after the plan was made). */
  created_at: number;
}

export interface PlanPick {
  id: string;
  why: string;
}

/** The default number of items in a day's plan (workspace setting `today_plan_size`). */
export const DEFAULT_PLAN_SIZE = 10;
/** Share of the plan kept for the behaviours other than replies and promises, when they exist. */
const OTHER_SHARE = 0.4;

export const OWED: ReadonlySet<SuggestionKind> = new Set(['reply', 'keep_promise']);

const PURPOSE: Record<SuggestionKind, string> = {
  reply: 'people waiting on you come first',
  keep_promise: 'a promise due now comes before anything new',
  reconnect: 'a quiet relationship, worth a question about them',
  share_knowledge: 'something useful to them that they have not had from you',
  surprise: 'a small surprise where it counts',
  compliment: 'their news, not acknowledged yet',
  check_in: 'the honeymoon is ending: clarify expectations now',
  follow_interest: 'they clicked a newsletter link: their interest is warm now',
};

const LABEL: Record<SuggestionKind, string> = {
  reply: 'Reply',
  keep_promise: 'Promise',
  reconnect: 'Reconnect',
  share_knowledge: 'Share knowledge',
  surprise: 'Surprise',
  compliment: 'Compliment',
  check_in: 'Check in',
  follow_interest: 'Follow interest',
};

/** Priority first, then the earliest due, then the cause: a total order, so ties never depend on input order. */
export function compareCandidates(a: PlanCandidate, b: PlanCandidate): number {
  return b.priority - a.priority || a.due_at - b.due_at || (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0);
}

/**
 * Picks today's plan of at most `size` items: the best owed items (replies and due promises)
 * and, when they exist, up to 40 % of the plan for the other behaviours, one of each kind in
 * turn (kinds ordered by their best item), each contact at most once among them. Slots one
 * side leaves empty go to the other. Owed items lead, ranked; the others follow in the
 * order they were picked.
 */
export function selectPlan(candidates: readonly PlanCandidate[], size: number): PlanPick[] {
  const ranked = [...candidates].sort(compareCandidates);
  const owed = ranked.filter((c) => OWED.has(c.kind));
  const others = ranked.filter((c) => !OWED.has(c.kind));
  const reserve = Math.floor(size * OTHER_SHARE);

  const taken = new Set<string>();
  const people = new Set<string>();
  const pickedOthers: PlanCandidate[] = [];
  const queues = groupByKind(others);
  const takeOthers = (count: number) => {
    while (count > 0) {
      let progressed = false;
      for (const queue of queues) {
        if (count === 0) break;
        let next = queue.shift();
        while (next && people.has(next.contact_id)) next = queue.shift();
        if (!next) continue;
        pickedOthers.push(next);
        taken.add(next.id);
        people.add(next.contact_id);
        count -= 1;
        progressed = true;
      }
      if (!progressed) return;
    }
  };

  takeOthers(Math.min(reserve, size));
  const pickedOwed = owed.slice(0, size - pickedOthers.length);
  for (const c of pickedOwed) people.add(c.contact_id);
  takeOthers(size - pickedOthers.length - pickedOwed.length);

  const counts = countByKind(ranked);
  const otherKinds = new Set(pickedOthers.map((c) => c.kind)).size;
  const seen = new Map<SuggestionKind, number>();
  const why = (c: PlanCandidate) => {
    const nth = (seen.get(c.kind) ?? 0) + 1;
    seen.set(c.kind, nth);
    const total = counts.get(c.kind) ?? 1;
    if (OWED.has(c.kind)) {
      const inPlan = pickedOwed.filter((o) => o.kind === c.kind).length;
      return `${LABEL[c.kind]} ${nth} of ${inPlan} today${total > inPlan ? ` (${total} open)` : ''}: ${PURPOSE[c.kind]}.`;
    }
    const behaviours = otherKinds > 1 ? `, one of ${otherKinds} behaviours today` : '';
    return `${LABEL[c.kind]}${total > 1 ? `, the best of ${total}` : ''}${behaviours}: ${PURPOSE[c.kind]}.`;
  };
  return [...pickedOwed, ...pickedOthers].map((c) => ({ id: c.id, why: why(c) }));
}

/**
 * Owed items (replies, promises) that appeared after the plan was made and are not in it:
 * they join the plan at the top, marked new, best first and at most `cap` of them (an import
 * of old mail should not bury the day).
 */
export function selectNewOwed(candidates: readonly PlanCandidate[], inPlan: ReadonlySet<string>, planCreatedAt: number, cap: number): PlanPick[] {
  return candidates
    .filter((c) => OWED.has(c.kind) && c.created_at > planCreatedAt && !inPlan.has(c.id))
    .sort(compareCandidates)
    .slice(0, Math.max(0, cap))
    .map((c) => ({ id: c.id, why: `New since today's plan was made: ${PURPOSE[c.kind]}.` }));
}

function groupByKind(ranked: PlanCandidate[]): PlanCandidate[][] {
  const byKind = new Map<SuggestionKind, PlanCandidate[]>();
  for (const c of ranked) {
    const list = byKind.get(c.kind);
    if (list) list.push(c);
    else byKind.set(c.kind, [c]);
  }
  // Map order is insertion order, and `ranked` is sorted: the kind with the best item leads.
  return [...byKind.values()];
}

function countByKind(items: PlanCandidate[]): Map<SuggestionKind, number> {
  const counts = new Map<SuggestionKind, number>();
  for (const c of items) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return counts;
}
