/**
 * How long a contact's suggestions hold as time passes, for the incremental engine: the first
 * minute at which one of the rules could answer differently for the same data. The rules
 * read `now` through day counts (relative days, the surprise horizon), which change only at
 * the day's end (the run's horizon), and through the thresholds below, each found from the
 * contact's own data. A reply's words and rank follow its business time, so its next change
 * is searched on the business clock, and kept apart: only the reply is rewritten then.
 * Pure: the loaded input, `now` and the horizon.
 */
import { DateTime } from 'luxon';
import { RESPONSIVENESS_WINDOW_DAYS } from '../metrics/responsiveness.js';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import type { EngineInput } from './engine.types.js';
import { CHECK_IN_DAYS } from './rules/attention.js';
import { ACHIEVEMENT_DAYS, SURPRISE_QUIET_DAYS } from './rules/gifts.js';
import { CLICK_WINDOW_DAYS } from './rules/interest.js';
import { businessDuration } from './words.js';

const MINUTE_MS = 60_000;
/** The windows of the recent gives the loader reads (suggestions.repo listRecentGives). */
const GIVE_WINDOW_DAYS = { surprise: SURPRISE_QUIET_DAYS, compliment: 15, interest: 15 } as const;

/** What of a wait the reply rule shows: the words of its business time, its rank, the apology. */
function replyKey(seconds: number, businessDayS: number): string {
  const days = seconds / businessDayS;
  return `${businessDuration(seconds, businessDayS)}|${Math.round(Math.min(15, 5 * days))}|${days >= 1}`;
}

/** The first whole minute after `now` (a whole minute) at which the wait's reply reads differently, else `horizon`. */
function nextReplyChange(since: number, now: number, horizon: number, businessDayS: number, seconds: (from: number, to: number) => number): number {
  const key = replyKey(seconds(since, now), businessDayS);
  if (replyKey(seconds(since, horizon), businessDayS) === key) return horizon;
  // Business time only grows, and so does each part of the key: the change is one boundary.
  let lo = 0;
  let hi = Math.ceil((horizon - now) / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (replyKey(seconds(since, now + mid * MINUTE_MS), businessDayS) === key) lo = mid;
    else hi = mid;
  }
  return now + hi * MINUTE_MS;
}

/**
 * Per contact of the input, the first `now` at which its suggestions may differ (at most
 * `horizon`). `seconds` is the workspace's business clock.
 */
export function validUntil(
  input: EngineInput,
  now: number,
  horizon: number,
  seconds: (from: number, to: number) => number,
): { until: Map<string, number>; replyUntil: Map<string, number> } {
  const until = new Map<string, number>(input.contacts.map((c) => [c.id, horizon]));
  const replyUntil = new Map<string, number>(until);
  const earliest = (map: Map<string, number>) => (contactId: string, t: number) => {
    const current = map.get(contactId);
    if (current !== undefined && t > now && t < current) map.set(contactId, t);
  };
  const at = earliest(until);
  const replyAt = earliest(replyUntil);
  const soon = now + MINUTE_MS;
  const honeymoonMs = input.settings.honeymoon_days * DAY_MS;
  for (const c of input.contacts) {
    const end = c.relationship_start + honeymoonMs;
    at(c.id, end);
    at(c.id, end - CHECK_IN_DAYS * DAY_MS);
    // A reconnect without a last touch is due `now`.
    if (c.metrics?.overdue && c.last_touch_at === null) at(c.id, soon);
    if (c.last_surprise_at !== null) at(c.id, c.last_surprise_at + GIVE_WINDOW_DAYS.surprise * DAY_MS);
    if (c.last_compliment_at !== null) at(c.id, c.last_compliment_at + GIVE_WINDOW_DAYS.compliment * DAY_MS);
    if (c.last_interest_at !== null) at(c.id, c.last_interest_at + GIVE_WINDOW_DAYS.interest * DAY_MS);
  }
  for (const w of input.waits) {
    at(w.contact_id, w.since + RESPONSIVENESS_WINDOW_DAYS * DAY_MS);
    replyAt(w.contact_id, nextReplyChange(w.since, now, horizon, input.settings.business_day_s, seconds));
  }
  for (const c of input.commitments) {
    // In the plan from 48 h before it is due; ranked higher in the last 24 h; then overdue by whole days.
    at(c.contact_id, c.due_at - 48 * HOUR_MS);
    at(c.contact_id, c.due_at - 24 * HOUR_MS);
    at(c.contact_id, c.due_at + 1);
    if (now > c.due_at) at(c.contact_id, c.due_at + (Math.floor((now - c.due_at) / DAY_MS) + 1) * DAY_MS);
  }
  for (const a of input.achievements) at(a.contact_id, a.at + ACHIEVEMENT_DAYS * DAY_MS);
  for (const f of input.facts) {
    if (f.kind !== 'achievement') continue;
    const t = f.date ? DateTime.fromISO(f.date, { zone: input.settings.time_zone }).toMillis() : f.created_at;
    at(f.contact_id, t);
    at(f.contact_id, t + ACHIEVEMENT_DAYS * DAY_MS);
  }
  for (const c of input.newsletter_clicks ?? []) {
    at(c.contact_id, c.at);
    at(c.contact_id, c.at + CLICK_WINDOW_DAYS * DAY_MS);
  }
  // Stored as the first whole minute the engine would run at.
  for (const map of [until, replyUntil]) for (const [id, t] of map) map.set(id, t === horizon ? t : Math.ceil(t / MINUTE_MS) * MINUTE_MS);
  return { until, replyUntil };
}

/** When the replies of these waits next read differently (at most `horizon`). */
export function repliesUntil(waits: readonly { since: number }[], now: number, horizon: number, businessDayS: number, seconds: (from: number, to: number) => number): number {
  let t = horizon;
  for (const w of waits) t = Math.min(t, nextReplyChange(w.since, now, horizon, businessDayS, seconds));
  return t === horizon ? t : Math.ceil(t / MINUTE_MS) * MINUTE_MS;
}
