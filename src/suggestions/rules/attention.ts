/**
 * Attention that is fading: a contact overdue for a touch (reconnect) and the last 15 days
 * of the honeymoon (check_in), both practising interest: a question about them.
 */
import { DAY_MS } from '../../shared/time.js';
import type { EngineContact, EngineFact } from '../engine.types.js';
import { KIND_BEHAVIOR, type SuggestionDraft } from '../suggestions.schema.js';
import { calendarDaysBetween, clamp, dayCount, firstName, longDay, quote } from '../words.js';
import { newestFirst, type RuleContext } from './context.js';

export const CHECK_IN_DAYS = 15;
/** Facts worth a question, best first; gift ideas stay secret and dates have their own rule. */
const QUESTION_KINDS = ['interest', 'family', 'achievement', 'preference', 'other'] as const;

function factToAskAbout(facts: EngineFact[]): EngineFact | undefined {
  for (const kind of QUESTION_KINDS) {
    const found = newestFirst(facts.filter((f) => f.kind === kind))[0];
    if (found) return found;
  }
  return undefined;
}

function questionAbout(fact: EngineFact): string {
  switch (fact.kind) {
    case 'interest':
      return `Are you still into ${fact.text}? I'd love to hear what you've been up to.`;
    case 'family':
      return `How is everyone? Last time you told me about ${fact.text}.`;
    case 'achievement':
      return `Last time we spoke you had just ${fact.text}; how has it been since?`;
    default:
      return `You mentioned ${fact.text} last time; how is that going?`;
  }
}

function limitDays(contact: EngineContact): number {
  if (contact.keep_in_touch_days) return contact.keep_in_touch_days;
  return Math.max(14, 2 * (contact.metrics?.typical_gap_days ?? 30));
}

/**
 * Why a touch is due, in the terms the health panel uses. A typical gap under a week comes
 * from a handful of honeymoon touches (two mails a day apart give "every 1 day"), and the
 * 14-day floor is what counts then: naming that gap would read "usually every 1 day" beside
 * "306 days ago".
 */
function rhythmOf(contact: EngineContact, limit: number): string {
  if (contact.keep_in_touch_days) return `you meant to keep in touch every ${dayCount(limit)}`;
  const gap = contact.metrics?.typical_gap_days ?? 30;
  return 2 * gap >= limit ? `you usually keep in touch every ${dayCount(gap)}` : `one is expected every ${dayCount(limit)}`;
}

export function reconnectRule(ctx: RuleContext): SuggestionDraft[] {
  const out: SuggestionDraft[] = [];
  for (const contact of ctx.input.contacts) {
    const m = contact.metrics;
    if (!m?.overdue || contact.stage === 'lost' || m.days_since_last_touch === null) continue;
    const first = firstName(contact.name);
    const limit = limitDays(contact);
    const days = m.days_since_last_touch;
    const rhythm = rhythmOf(contact, limit);
    const fact = factToAskAbout(ctx.factsByContact.get(contact.id) ?? []);
    const cooling = contact.status === 'cooling' || contact.status === 'at_risk';
    let reason = `Last touch with ${first} was ${dayCount(days)} ago; ${rhythm}`;
    if (cooling) reason += ` and the relationship is ${contact.status === 'at_risk' ? 'at risk' : 'cooling'} (health ${contact.score})`;
    reason += fact
      ? `. You noted ${quote(fact.text)} (${fact.kind.replace('_', ' ')}): ask about it.`
      : `. Nothing is noted about their interests yet: ask, then save the answer as a fact.`;
    const opener = `Hi ${first},\n\nIt's been a while since we last spoke, and I was thinking of you.`;
    const question = fact
      ? questionAbout(fact)
      : contact.kind === 'personal'
        ? `What have you been up to lately?`
        : `What is keeping you busy these days, and is there anything I can help with?`;
    out.push({
      kind: 'reconnect',
      behavior: KIND_BEHAVIOR.reconnect,
      contact_id: contact.id,
      cause: `reconnect:${contact.id}:${contact.last_touch_at ?? 'never'}`,
      reason,
      // days since the last touch is fractional; a priority is a whole number
      priority: clamp(Math.round(40 + Math.min(20, days - limit) + (cooling ? 5 : 0)), 0, 100),
      due_at: contact.last_touch_at !== null ? contact.last_touch_at + limit * DAY_MS : ctx.now,
      draft: `${opener} ${question}\n\n`,
    });
  }
  return out;
}

export function checkInRule(ctx: RuleContext): SuggestionDraft[] {
  const out: SuggestionDraft[] = [];
  const honeymoonMs = ctx.input.settings.honeymoon_days * DAY_MS;
  for (const contact of ctx.input.contacts) {
    if (contact.stage !== 'honeymoon') continue;
    const end = contact.relationship_start + honeymoonMs;
    const windowStart = end - CHECK_IN_DAYS * DAY_MS;
    if (ctx.now < windowStart || ctx.now >= end) continue;
    if (contact.last_interest_at !== null && contact.last_interest_at >= windowStart) continue;
    const first = firstName(contact.name);
    const left = Math.max(0, calendarDaysBetween(ctx.now, end, ctx.zone));
    out.push({
      kind: 'check_in',
      behavior: KIND_BEHAVIOR.check_in,
      contact_id: contact.id,
      cause: `check_in:${contact.id}:${contact.relationship_start}`,
      reason:
        `The honeymoon with ${first} ends ${left === 0 ? 'today' : `in ${left} day${left === 1 ? '' : 's'}`} (${ctx.input.settings.honeymoon_days} days since ` +
        `${longDay(contact.relationship_start, ctx.zone)}): ask how it is going and clarify expectations before attention fades.`,
      priority: clamp(50 + (CHECK_IN_DAYS - left), 0, 100),
      due_at: end,
      draft:
        `Hi ${first},\n\nWe have been working together for a while now, and I'd like to make sure it stays that way. ` +
        `How is it going so far? Is there anything you expected that we haven't delivered yet, or anything you would like us to do differently?\n\n`,
    });
  }
  return out;
}
