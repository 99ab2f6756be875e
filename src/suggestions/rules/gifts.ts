/**
 * Giving without being asked: share a knowledge item that matches their interests, a
 * surprise for an important date (or a valuable relationship cooling), a compliment for an
 * achievement they had. Each names what is known: the interest, the gift idea, the news.
 */
import { DateTime } from 'luxon';
import { topicMatchesInterest } from '../../knowledge/knowledge.schema.js';
import { DAY_MS } from '../../shared/time.js';
import type { EngineContact, EngineFact } from '../engine.types.js';
import { KIND_BEHAVIOR, type SuggestionDraft } from '../suggestions.schema.js';
import { calendarDaysBetween, clamp, firstName, localIsoDate, longDay, midSentence, quote, relativeFuture, relativePast } from '../words.js';
import { newestFirst, type RuleContext } from './context.js';

const SURPRISE_HORIZON_DAYS = 14;
export const SURPRISE_QUIET_DAYS = 180;
export const ACHIEVEMENT_DAYS = 14;

/** Dues move by whole days, so stored suggestions do not change every minute. */
function dayStart(now: number): number {
  return now - (now % DAY_MS);
}

export function shareKnowledgeRule(ctx: RuleContext): SuggestionDraft[] {
  if (ctx.input.knowledge.length === 0) return [];
  const shared = new Set(ctx.input.shares.map((s) => `${s.knowledge_id}|${s.contact_id}`));
  const items = newestFirst(ctx.input.knowledge);
  // Interests repeat across contacts ("sailing"): match each distinct one once.
  const matches = new Map<string, { item: (typeof items)[number]; topic: string }[]>();
  const matchesOf = (interest: string) => {
    let found = matches.get(interest);
    if (!found) {
      found = [];
      for (const item of items) {
        const topic = item.topics.find((t) => topicMatchesInterest(t, interest));
        if (topic) found.push({ item, topic });
      }
      matches.set(interest, found);
    }
    return found;
  };
  const out: SuggestionDraft[] = [];
  for (const [contactId, facts] of ctx.factsByContact) {
    const contact = ctx.contacts.get(contactId);
    if (!contact || contact.stage === 'lost') continue;
    const interests = newestFirst(facts.filter((f) => f.kind === 'interest'));
    if (interests.length === 0) continue;
    // One item per contact at a time: the newest unshared match. Sharing it lets the next one come.
    let best: { item: (typeof items)[number]; interest: EngineFact; topic: string } | undefined;
    for (const interest of interests) {
      for (const m of matchesOf(interest.text)) {
        if (shared.has(`${m.item.id}|${contactId}`)) continue;
        // Newest item first across all interests; the first interest wins a tie.
        if (!best || m.item.created_at > best.item.created_at || (m.item.created_at === best.item.created_at && m.item.id < best.item.id)) {
          best = { item: m.item, interest, topic: m.topic };
        }
        break;
      }
    }
    if (!best) continue;
    const first = firstName(contact.name);
    const link = best.item.url ? ` ${best.item.url}` : '';
    out.push({
      kind: 'share_knowledge',
      behavior: KIND_BEHAVIOR.share_knowledge,
      contact_id: contactId,
      cause: `share_knowledge:${contactId}:${best.item.id}`,
      reason: `${first} is interested in ${best.interest.text}; ${quote(best.item.title)} (topic: ${best.topic}) has not been shared with them yet.`,
      priority: 30 + (contact.metrics?.overdue ? 5 : 0),
      due_at: dayStart(ctx.now) + 7 * DAY_MS,
      draft: `Hi ${first},\n\nI came across this and thought of you, knowing your interest in ${best.interest.text}: ${quote(best.item.title)}${link}. I'd be curious what you make of it.\n\n`,
    });
  }
  return out;
}

interface Occasion {
  key: string;
  label: string;
  at: number;
  years: number | null;
}

/** The next occurrence, today included, of a YYYY-MM-DD date (every year when yearly). */
export function nextOccurrence(date: string, yearly: boolean, now: number, zone: string): { at: number; years: number } | null {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const on = (year: number) => {
    const dt = DateTime.fromObject({ year, month: m, day: d }, { zone });
    // 29 February in a year without one: celebrate on the 28th.
    return dt.isValid ? dt : DateTime.fromObject({ year, month: m, day: d - 1 }, { zone });
  };
  if (!yearly) {
    const dt = on(y);
    return dt < today ? null : { at: dt.toMillis(), years: 0 };
  }
  let dt = on(today.year);
  if (dt < today) dt = on(today.year + 1);
  return { at: dt.toMillis(), years: dt.year - y };
}

/** The calendar days of the horizon as MM-DD and YYYY-MM-DD, to rule dates out without luxon. */
function horizonOf(now: number, zone: string): { monthDays: Set<string>; days: Set<string> } {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const monthDays = new Set<string>();
  const days = new Set<string>();
  for (let i = 0; i <= SURPRISE_HORIZON_DAYS; i++) {
    const d = today.plus({ days: i });
    const iso = d.toISODate() as string;
    days.add(iso);
    monthDays.add(iso.slice(5));
    // 29 February is celebrated on the 28th in other years.
    if (iso.endsWith('-02-28') && !d.isInLeapYear) monthDays.add('02-29');
  }
  return { monthDays, days };
}

function occasionsOf(contact: EngineContact, facts: EngineFact[], now: number, zone: string, horizon: ReturnType<typeof horizonOf>): Occasion[] {
  const found: Occasion[] = [];
  for (const f of facts) {
    if (f.kind !== 'important_date' || !f.date) continue;
    if (f.yearly ? !horizon.monthDays.has(f.date.slice(5)) : !horizon.days.has(f.date)) continue;
    const next = nextOccurrence(f.date, f.yearly, now, zone);
    if (next) found.push({ key: `${f.id}:${DateTime.fromMillis(next.at, { zone }).toISODate()}`, label: f.text, at: next.at, years: f.yearly ? next.years : null });
  }
  if (contact.client_since !== null && contact.kind === 'customer' && horizon.monthDays.has(localIsoDate(contact.client_since, zone).slice(5))) {
    const since = DateTime.fromMillis(contact.client_since, { zone }).toISODate() as string;
    const next = nextOccurrence(since, true, now, zone);
    if (next && next.years >= 1) {
      found.push({ key: `client:${DateTime.fromMillis(next.at, { zone }).toISODate()}`, label: 'client anniversary', at: next.at, years: next.years });
    }
  }
  return found.filter((o) => calendarDaysBetween(now, o.at, zone) <= SURPRISE_HORIZON_DAYS).sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
}

function cardFor(first: string, o: Occasion): string {
  if (/birthday/i.test(o.label)) return `Happy birthday, ${first}! Wishing you a wonderful year ahead.`;
  if (o.label === 'client anniversary') {
    return `${first}, it's been ${o.years === 1 ? 'a year' : `${o.years} years`} since we started working together. Thank you for your trust!`;
  }
  if (/anniversary/i.test(o.label)) return `Happy anniversary, ${first}!${o.years ? ` ${o.years} years: congratulations.` : ''}`;
  return `Thinking of you on your ${o.label}, ${first}!`;
}

export function surpriseRule(ctx: RuleContext): SuggestionDraft[] {
  const out: SuggestionDraft[] = [];
  const quietSince = ctx.now - SURPRISE_QUIET_DAYS * DAY_MS;
  const horizon = horizonOf(ctx.now, ctx.zone);
  for (const contact of ctx.input.contacts) {
    if (contact.stage === 'lost') continue;
    if (contact.last_surprise_at !== null && contact.last_surprise_at >= quietSince) continue;
    const facts = ctx.factsByContact.get(contact.id) ?? [];
    const occasion = occasionsOf(contact, facts, ctx.now, ctx.zone, horizon)[0];
    const cooling =
      contact.kind === 'customer' && contact.stage === 'established' && (contact.status === 'cooling' || contact.status === 'at_risk' || contact.slipping);
    if (!occasion && !cooling) continue;
    const first = firstName(contact.name);
    const gift = newestFirst(facts.filter((f) => f.kind === 'gift_idea'))[0];
    const giftWords = gift ? ` Gift idea: ${gift.text}.` : ' No gift idea is noted yet; a card or a small, personal gesture will do.';
    const quiet = contact.last_surprise_at === null ? 'no surprise on record' : `no surprise since ${longDay(contact.last_surprise_at, ctx.zone)}`;
    if (occasion) {
      const days = calendarDaysBetween(ctx.now, occasion.at, ctx.zone);
      const label = occasion.label === 'client anniversary' ? `${occasion.years}-year client anniversary` : midSentence(occasion.label);
      out.push({
        kind: 'surprise',
        behavior: KIND_BEHAVIOR.surprise,
        contact_id: contact.id,
        cause: `surprise:${contact.id}:${occasion.key}`,
        reason: `${first}'s ${label} is ${relativeFuture(occasion.at, ctx.now, ctx.zone)} (${longDay(occasion.at, ctx.zone)}), with ${quiet} in ${SURPRISE_QUIET_DAYS} days.${giftWords}`,
        priority: clamp(70 - 2 * days, 0, 100),
        due_at: Math.max(dayStart(ctx.now), occasion.at - 3 * DAY_MS),
        draft: `${cardFor(first, occasion)}${gift ? `\n\n(Gift: ${gift.text})` : ''}`,
      });
    } else {
      const health = contact.status === 'at_risk' ? 'at risk' : contact.status === 'cooling' ? 'cooling' : 'slipping';
      out.push({
        kind: 'surprise',
        behavior: KIND_BEHAVIOR.surprise,
        contact_id: contact.id,
        cause: `surprise:${contact.id}:cooling:${Math.floor(ctx.now / (SURPRISE_QUIET_DAYS * DAY_MS))}`,
        reason: `The relationship with ${first}, a client since ${contact.client_since ? longDay(contact.client_since, ctx.zone) : 'the start'}, is ${health}${contact.score !== null ? ` (health ${contact.score})` : ''}, with ${quiet} in ${SURPRISE_QUIET_DAYS} days: a pleasant surprise shows you care.${giftWords}`,
        priority: 45,
        due_at: dayStart(ctx.now) + 7 * DAY_MS,
        draft: `Hi ${first},\n\nA small thank-you for working with us: we appreciate it.${gift ? `\n\n(Gift: ${gift.text})` : ''}`,
      });
    }
  }
  return out;
}

export function complimentRule(ctx: RuleContext): SuggestionDraft[] {
  const out: SuggestionDraft[] = [];
  const since = ctx.now - ACHIEVEMENT_DAYS * DAY_MS;
  const seen = new Set<string>();
  const push = (contact: EngineContact, cause: string, at: number, news: string, source: string) => {
    if (at < since || at > ctx.now || contact.stage === 'lost') return;
    if (contact.last_compliment_at !== null && contact.last_compliment_at >= at) return;
    // One compliment per contact a day is enough: the newest news wins (inputs are sorted).
    if (seen.has(contact.id)) return;
    seen.add(contact.id);
    const first = firstName(contact.name);
    const days = calendarDaysBetween(at, ctx.now, ctx.zone);
    out.push({
      kind: 'compliment',
      behavior: KIND_BEHAVIOR.compliment,
      contact_id: contact.id,
      cause,
      reason: `${source} ${relativePast(at, ctx.now, ctx.zone)}, and you have not acknowledged it yet.`,
      priority: clamp(60 - 2 * days, 0, 100),
      due_at: Math.max(dayStart(ctx.now), at + 3 * DAY_MS),
      draft: `Hi ${first},\n\nI just heard your news (${news}). Congratulations, that is a real achievement and well deserved!\n\n`,
    });
  };
  const events: { at: number; run: () => void }[] = [];
  for (const a of ctx.input.achievements) {
    const contact = ctx.contacts.get(a.contact_id);
    if (!contact) continue;
    events.push({
      at: a.at,
      run: () =>
        push(contact, `compliment:${contact.id}:ix:${a.interaction_id}`, a.at, quote(a.excerpt), `${firstName(contact.name)} wrote ${quote(a.excerpt)} (rule: ${a.rule})`),
    });
  }
  for (const f of ctx.input.facts) {
    if (f.kind !== 'achievement') continue;
    const contact = ctx.contacts.get(f.contact_id);
    if (!contact) continue;
    // A date two days outside the window cannot be in it whatever the zone: skip luxon for it.
    if (f.date && Math.abs(Date.parse(`${f.date}T12:00:00Z`) - (since + ctx.now) / 2) > (ctx.now - since) / 2 + 2 * DAY_MS) continue;
    if (!f.date && (f.created_at < since || f.created_at > ctx.now)) continue;
    const at = f.date ? DateTime.fromISO(f.date, { zone: ctx.zone }).toMillis() : f.created_at;
    events.push({
      at,
      run: () => push(contact, `compliment:${contact.id}:fact:${f.id}`, at, quote(f.text), `You noted ${firstName(contact.name)}'s news, ${quote(f.text)},`),
    });
  }
  events.sort((a, b) => b.at - a.at);
  for (const e of events) e.run();
  return out;
}
