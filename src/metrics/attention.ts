/** Attention (SPEC §4.4): touches now against touches during the honeymoon, and whether one is overdue. */
import { isTouch } from '../interactions/interactions.schema.js';
import { DAY_MS, inWindow, type ContactInteraction } from './inputs.js';
import { median } from './percentiles.js';

export interface Attention {
  touches_per_30d: number;
  baseline_touches_per_30d: number | null;
  attention_ratio: number | null;
  days_since_last_touch: number | null;
  typical_gap_days: number;
  overdue: boolean;
  /** Relationship start: client_since, else the first non-automated, non-internal interaction. */
  start: number | null;
  honeymoon_over: boolean;
  last_touch_at: number | null;
  /** The threshold `overdue` compares against, in days. */
  overdue_after_days: number;
  touches_90d: number;
  honeymoon_touches: number;
}

export function relationshipStartOf(clientSince: number | null, interactions: readonly ContactInteraction[]): number | null {
  if (clientSince !== null) return clientSince;
  let first: number | null = null;
  for (const i of interactions) {
    if (i.automated || i.direction === 'internal') continue;
    if (first === null || i.at < first) first = i.at;
  }
  return first;
}

export function computeAttention(
  interactions: readonly ContactInteraction[],
  now: number,
  contact: { client_since: number | null; keep_in_touch_days: number | null },
  honeymoonDays: number,
): Attention {
  const start = relationshipStartOf(contact.client_since, interactions);
  const honeymoonEnd = start === null ? null : start + honeymoonDays * DAY_MS;
  const from90 = now - 90 * DAY_MS;
  let recent = 0;
  let last: number | null = null;
  const honeymoon: number[] = [];
  // One interaction is one touch even when the contact appears in it twice.
  const seen = new Set<string>();
  for (const i of interactions) {
    if (seen.has(i.id) || !isTouch(i)) continue;
    seen.add(i.id);
    if (inWindow(i.at, from90, now)) recent += 1;
    if (last === null || i.at > last) last = i.at;
    if (start !== null && honeymoonEnd !== null && inWindow(i.at, start, honeymoonEnd)) honeymoon.push(i.at);
  }
  honeymoon.sort((a, b) => a - b);
  const gaps = honeymoon.slice(1).map((t, k) => (t - honeymoon[k]!) / DAY_MS);
  const typicalGap = gaps.length === 0 ? 30 : (median(gaps) as number);
  const baseline = start === null ? null : (honeymoon.length * 30) / honeymoonDays;
  const touches = recent / 3;
  const honeymoonOver = honeymoonEnd !== null && now >= honeymoonEnd;
  const days = last === null ? null : Math.floor((now - last) / DAY_MS);
  const threshold = contact.keep_in_touch_days ?? Math.max(14, 2 * typicalGap);
  return {
    touches_per_30d: touches,
    baseline_touches_per_30d: baseline,
    attention_ratio: !honeymoonOver || !baseline ? null : touches / baseline,
    days_since_last_touch: days,
    typical_gap_days: typicalGap,
    overdue: days !== null && days > threshold,
    start,
    honeymoon_over: honeymoonOver,
    last_touch_at: last,
    overdue_after_days: threshold,
    touches_90d: recent,
    honeymoon_touches: honeymoon.length,
  };
}
