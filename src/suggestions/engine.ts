/**
 * The suggestion engine of SPEC §6: pure, deterministic rules over plain data and `now`.
 * Same input, same `now` → the same suggestions in the same order. One rule per kind; each
 * returns drafts keyed by a stable `cause` that the service uses to remember what was done
 * or dismissed.
 */
import type { EngineInput } from './engine.types.js';
import { checkInRule, reconnectRule } from './rules/attention.js';
import { buildContext } from './rules/context.js';
import { followInterestRule } from './rules/interest.js';
import { complimentRule, shareKnowledgeRule, surpriseRule } from './rules/gifts.js';
import { keepPromiseRule, replyRule } from './rules/obligations.js';
import type { SuggestionDraft } from './suggestions.schema.js';
import { clamp } from './words.js';

const RULES = [replyRule, keepPromiseRule, reconnectRule, checkInRule, surpriseRule, complimentRule, shareKnowledgeRule, followInterestRule];

/** Highest priority first, then soonest due, then cause: a total order. */
export function compareSuggestions(a: Pick<SuggestionDraft, 'priority' | 'due_at' | 'cause'>, b: Pick<SuggestionDraft, 'priority' | 'due_at' | 'cause'>): number {
  return b.priority - a.priority || a.due_at - b.due_at || (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0);
}

/**
 * Rules leave room to write on; stored drafts end with the last sentence. Priorities are
 * whole numbers 0–100 and due times whole milliseconds whatever a rule computed from
 * fractional days: PostgreSQL stores both as integers and rejects a fraction.
 */
export function finishDraft(s: SuggestionDraft): SuggestionDraft {
  return { ...s, priority: clamp(Math.round(s.priority), 0, 100), due_at: Math.round(s.due_at), draft: s.draft?.trimEnd() || null };
}

/** The reply rule alone, for contacts whose data is unchanged but whose waits grew. */
export function suggestReplies(input: EngineInput, now: number): SuggestionDraft[] {
  const seen = new Set<string>();
  return replyRule(buildContext(input, now)).flatMap((s) => {
    if (seen.has(s.cause)) return [];
    seen.add(s.cause);
    return [finishDraft(s)];
  });
}

export function suggest(input: EngineInput, now: number): SuggestionDraft[] {
  const ctx = buildContext(input, now);
  const seen = new Set<string>();
  const out: SuggestionDraft[] = [];
  for (const rule of RULES) {
    for (const s of rule(ctx)) {
      if (seen.has(s.cause)) continue;
      seen.add(s.cause);
      out.push(finishDraft(s));
    }
  }
  return out.sort(compareSuggestions);
}
