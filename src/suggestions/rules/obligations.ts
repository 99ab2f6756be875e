/**
 * What is owed: answering an open wait (reply) and keeping a promise (keep_promise). They
 * rank above everything else; a nudged wait (they wrote again) or a competitor named in
 * their mail ranks first (SPEC §6).
 */
import { DAY_MS, HOUR_MS } from '../../shared/time.js';
import { KIND_BEHAVIOR, type SuggestionDraft } from '../suggestions.schema.js';
import { businessDuration, clamp, clock, firstName, joinAnd, longDay, quote, relativeFuture, relativePast } from '../words.js';
import type { RuleContext } from './context.js';

export function replyRule(ctx: RuleContext): SuggestionDraft[] {
  const out: SuggestionDraft[] = [];
  for (const wait of ctx.input.waits) {
    const contact = ctx.contacts.get(wait.contact_id);
    if (!contact) continue;
    const first = firstName(contact.name);
    const businessDays = wait.wait_business_s / ctx.input.settings.business_day_s;
    const mentions = contact.metrics?.competitor_mentions_90d ?? 0;
    const hasCompetitor = wait.competitors.length > 0 || mentions > 0;
    const subject = wait.subject ? ` to ${quote(wait.subject, 60)}` : '';
    let reason = `${first} has waited ${businessDuration(wait.wait_business_s, ctx.input.settings.business_day_s)} for your reply${subject}`;
    if (wait.nudges > 0) {
      const again = wait.last_in_at !== null ? ` ${relativePast(wait.last_in_at, ctx.now, ctx.zone)}` : '';
      reason += ` and wrote again${again}${wait.nudges > 1 ? ` (${wait.nudges} follow-ups)` : ''}`;
    }
    if (wait.competitors.length > 0) {
      reason += `; ${joinAnd(wait.competitors)} ${wait.competitors.length > 1 ? 'were' : 'was'} mentioned`;
    } else if (mentions > 0) {
      reason += `; a competitor was mentioned ${mentions === 1 ? 'once' : `${mentions} times`} in 90 days`;
    }
    const apology = wait.nudges > 0 ? 'thank you for following up, and sorry to keep you waiting' : 'sorry to keep you waiting';
    out.push({
      kind: 'reply',
      behavior: KIND_BEHAVIOR.reply,
      contact_id: contact.id,
      cause: `reply:${wait.thread_id}:${wait.since}`,
      reason: `${reason}.`,
      priority: clamp(Math.round(50 + Math.min(15, 5 * businessDays) + (wait.nudges > 0 ? 30 : 0) + (hasCompetitor ? 10 : 0)), 0, 100),
      // Stable dues (not `now`) keep stored rows unchanged from one minute to the next.
      due_at: wait.since,
      draft: replyDraft(first, wait.subject, businessDays >= 1 || wait.nudges > 0 ? `${apology.charAt(0).toUpperCase()}${apology.slice(1)}.` : null, hasCompetitor),
    });
  }
  return out;
}

export function keepPromiseRule(ctx: RuleContext): SuggestionDraft[] {
  const out: SuggestionDraft[] = [];
  for (const c of ctx.input.commitments) {
    const contact = ctx.contacts.get(c.contact_id);
    if (!contact || c.due_at > ctx.now + 48 * HOUR_MS) continue;
    const first = firstName(contact.name);
    const overdueMs = ctx.now - c.due_at;
    let when: string;
    let priority: number;
    if (overdueMs > 0) {
      const days = Math.floor(overdueMs / DAY_MS);
      when = days >= 1 ? `was due ${days === 1 ? '1 day' : `${days} days`} ago (${longDay(c.due_at, ctx.zone)})` : `was due at ${clock(c.due_at, ctx.zone)} today`;
      priority = 75 + Math.min(10, 2 * days);
    } else {
      when = `is due ${relativeFuture(c.due_at, ctx.now, ctx.zone)} at ${clock(c.due_at, ctx.zone)}`;
      priority = c.due_at - ctx.now <= 24 * HOUR_MS ? 72 : 64;
    }
    const reason =
      overdueMs > 0
        ? `You promised ${first} ${quote(c.text)}; it ${when}. Deliver it now, with a word about the delay.`
        : `You promised ${first} ${quote(c.text)}; it ${when}. Delivering early is service heroics.`;
    out.push({
      kind: 'keep_promise',
      behavior: KIND_BEHAVIOR.keep_promise,
      contact_id: contact.id,
      cause: `keep_promise:${c.id}`,
      reason,
      priority,
      due_at: c.due_at,
      draft:
        overdueMs > 0
          ? `Hi ${first},\n\nI promised you ${c.text} by ${longDay(c.due_at, ctx.zone)}, and I am late: I am sorry. Here it is.\n\nIf anything is missing or unclear, tell me and I will sort it out today.\n\nBest regards,\n`
          : `Hi ${first},\n\nAs promised, here is ${c.text}.\n\nIf anything is missing or unclear, tell me and I will sort it out right away.\n\nBest regards,\n`,
    });
  }
  return out;
}

/**
 * A reply that names the thread, apologises for a long or nudged wait, leaves a marked place
 * for the answer and closes with an offer; with a competitor in view, an offer to talk soon.
 */
function replyDraft(first: string, subject: string | null, apology: string | null, hasCompetitor: boolean): string {
  const opening = apology
    ? `${apology}${subject ? ` Here is my answer on ${quote(subject, 60)}:` : ''}`
    : `Thanks for your message${subject ? ` about ${quote(subject, 60)}` : ''}.`;
  const offer = hasCompetitor
    ? 'If it helps you decide, I am happy to go through it together on a short call this week.'
    : 'If anything is unclear, just reply and I will follow up.';
  return `Hi ${first},\n\n${opening}\n\n[Your answer]\n\n${offer}\n\nBest regards,\n`;
}
