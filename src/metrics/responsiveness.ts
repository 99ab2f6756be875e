/** Responsiveness (SPEC §4.2, window 90 days) and SLA breaches, from the walked waits. */
import type { BusinessClock } from './business-time.js';
import type { ContactMetrics } from './metrics.types.js';
import { DAY_MS, inWindow } from './inputs.js';
import { median, nearestRank } from './percentiles.js';
import type { Wait } from './waits.js';

export const RESPONSIVENESS_WINDOW_DAYS = 90;

/** §4.2 as stored in ContactMetrics, plus the wait counts the responsiveness factor scores. */
export type Responsiveness = Pick<
  ContactMetrics,
  | 'replies'
  | 'reply_median_s'
  | 'reply_p90_s'
  | 'reply_median_business_s'
  | 'open_waits'
  | 'oldest_wait_s'
  | 'oldest_wait_business_s'
  | 'nudges'
  | 'nudge_rate'
  | 'sla_breaches_90d'
> & {
  /** Waits (answered or open) of the contact in the window: the responsiveness factor's data. */
  waits: number;
  nudged_waits: number;
};

/**
 * A wait and its nudges belong to the window holding `pending.time`; an open wait older than
 * the window is no longer counted. Nudges count for whoever wrote them, waits for whoever
 * started them.
 */
export function computeResponsiveness(
  contactId: string,
  waits: readonly Wait[],
  now: number,
  clock: BusinessClock,
  slaTargetBusinessS: number | null,
): Responsiveness {
  const from = now - RESPONSIVENESS_WINDOW_DAYS * DAY_MS;
  const wall: number[] = [];
  const business: number[] = [];
  let open = 0;
  let oldestStart: number | null = null;
  let nudges = 0;
  let own = 0;
  let nudged = 0;
  let breaches = 0;
  for (const w of waits) {
    if (!inWindow(w.start, from, now)) continue;
    for (const n of w.nudges) if (n.senders.includes(contactId)) nudges += 1;
    if (!w.senders.includes(contactId)) continue;
    own += 1;
    if (w.nudges.length > 0) nudged += 1;
    if (w.repliedAt !== null) {
      const b = clock.seconds(w.start, w.repliedAt);
      wall.push((w.repliedAt - w.start) / 1000);
      business.push(b);
      if (slaTargetBusinessS !== null && b > slaTargetBusinessS) breaches += 1;
    } else {
      open += 1;
      if (oldestStart === null || w.start < oldestStart) oldestStart = w.start;
      if (slaTargetBusinessS !== null && clock.seconds(w.start, now) > slaTargetBusinessS) breaches += 1;
    }
  }
  return {
    replies: wall.length,
    reply_median_s: median(wall),
    reply_p90_s: nearestRank(wall, 0.9),
    reply_median_business_s: median(business),
    open_waits: open,
    oldest_wait_s: oldestStart === null ? null : (now - oldestStart) / 1000,
    oldest_wait_business_s: oldestStart === null ? null : clock.seconds(oldestStart, now),
    nudges,
    nudge_rate: own === 0 ? null : nudged / own,
    sla_breaches_90d: breaches,
    waits: own,
    nudged_waits: nudged,
  };
}

/** The reply-time target of a contact: its own, else the strictest of its tags', else the workspace's. */
export function slaTargetFor(
  contact: { id: string; tags: string[] },
  sla: { default_s: number | null; by_tag: Record<string, number>; by_contact: Record<string, number> },
): number | null {
  const own = sla.by_contact[contact.id];
  if (own !== undefined) return own;
  // Tags compare case-insensitively: "VIP" and "vip" are the same tag to a person.
  const targets = new Map(Object.entries(sla.by_tag).map(([t, s]) => [t.toLowerCase(), s]));
  const byTag = contact.tags.map((t) => targets.get(t.toLowerCase())).filter((v): v is number => v !== undefined);
  if (byTag.length > 0) return Math.min(...byTag);
  return sla.default_s;
}
