/**
 * follow_interest: a click on a campaign link is an interest signal. When a contact clicked a
 * link of a newsletter issue in the last 14 days, propose asking whether it fits their plans,
 * naming what they clicked and how often. Newsletter mail itself is never a touch; this
 * follow-up is. Once you show interest in them after the click, the suggestion goes away.
 */
import { DAY_MS } from '../../shared/time.js';
import type { EngineClick } from '../engine.types.js';
import { KIND_BEHAVIOR, type SuggestionDraft } from '../suggestions.schema.js';
import { clamp, firstName, quote, relativePast } from '../words.js';
import type { RuleContext } from './context.js';

export const CLICK_WINDOW_DAYS = 14;

/** What a link is about, from its address: the last path segment in words, else the site. */
export function linkTopic(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const segments = u.pathname.split('/').filter(Boolean);
  const last = segments.at(-1);
  if (!last) return u.hostname.replace(/^www\./, '');
  let words = last;
  try {
    words = decodeURIComponent(last);
  } catch {
    // A malformed escape stays as written.
  }
  words = words.replace(/\.[a-z0-9]{2,5}$/i, '').replace(/[-_+]+/g, ' ').trim();
  return words || u.hostname.replace(/^www\./, '');
}

function timesWord(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

export function followInterestRule(ctx: RuleContext): SuggestionDraft[] {
  const since = ctx.now - CLICK_WINDOW_DAYS * DAY_MS;
  // contact → url → clicks in the window
  const byContact = new Map<string, Map<string, EngineClick[]>>();
  for (const c of ctx.input.newsletter_clicks ?? []) {
    if (c.at < since || c.at > ctx.now || !ctx.contacts.has(c.contact_id)) continue;
    const urls = byContact.get(c.contact_id) ?? new Map<string, EngineClick[]>();
    urls.set(c.url, [...(urls.get(c.url) ?? []), c]);
    byContact.set(c.contact_id, urls);
  }
  const out: SuggestionDraft[] = [];
  for (const [contactId, urls] of byContact) {
    const contact = ctx.contacts.get(contactId);
    if (!contact || contact.stage === 'lost') continue;
    // The most clicked link; ties go to the latest click, then the address: deterministic.
    const ranked = [...urls.entries()].map(([url, clicks]) => ({ url, clicks, last: Math.max(...clicks.map((c) => c.at)) }));
    ranked.sort((a, b) => b.clicks.length - a.clicks.length || b.last - a.last || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
    const top = ranked[0];
    if (!top) continue;
    // Already followed up: an interest touch since the last click.
    if (contact.last_interest_at !== null && contact.last_interest_at >= top.last) continue;
    const first = firstName(contact.name);
    const topic = linkTopic(top.url);
    const issue = [...top.clicks].sort((a, b) => b.at - a.at)[0] as EngineClick;
    const others = ranked.length - 1;
    const prospect = contact.stage === 'prospect';
    out.push({
      kind: 'follow_interest',
      behavior: KIND_BEHAVIOR.follow_interest,
      contact_id: contact.id,
      cause: `follow_interest:${contact.id}:${issue.campaign_id ?? 'drip'}:${top.url}`,
      reason:
        `${first} clicked the ${topic} link${issue.subject ? ` in ${quote(issue.subject, 60)}` : ''} ${timesWord(top.clicks.length)}, ` +
        `last ${relativePast(top.last, ctx.now, ctx.zone)}${others > 0 ? ` (and ${others} other link${others === 1 ? '' : 's'})` : ''}: ` +
        `ask whether it fits ${prospect ? 'their plans' : 'what they are working on'}.`,
      priority: clamp(45 + 5 * Math.min(4, top.clicks.length - 1) + Math.min(5, others * 2) + (prospect ? 10 : 0), 0, 100),
      due_at: top.last,
      draft:
        `Hi ${first},\n\nI noticed the ${topic} piece from our newsletter caught your eye. ` +
        `Does it fit what you are planning at the moment? If it would help, I am happy to walk you through how it could work for you, ` +
        `or to answer any questions, whatever suits you best.\n\n`,
    });
  }
  return out;
}
