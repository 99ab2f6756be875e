/** Pure shaping of report series: weekly reply medians, the attention histogram, statuses per day. */
import { DateTime } from 'luxon';
import type { HealthStatus } from '../contacts/contacts.schema.js';
import type { BusinessClock } from '../metrics/business-time.js';
import { median } from '../metrics/percentiles.js';
import type { Wait } from '../metrics/waits.js';
import type { Reports } from './reports.schema.js';

/** Monday of the week of `ms` in `zone`, as YYYY-MM-DD. */
export function weekOf(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).startOf('week').toISODate() as string;
}

/** Every week from the one of `from` to the one of `to`, Mondays as YYYY-MM-DD. */
export function weeksBetween(from: number, to: number, zone: string): string[] {
  const weeks: string[] = [];
  const last = weekOf(to, zone);
  for (let d = DateTime.fromMillis(from, { zone }).startOf('week'); ; d = d.plus({ weeks: 1 })) {
    const week = d.toISODate() as string;
    weeks.push(week);
    if (week >= last) return weeks;
  }
}

/**
 * The answered waits of SPEC §4.1 from messages ordered by thread, time and id: the same
 * start and reply as walking each thread (metrics/waits.ts) gives, without the senders and
 * nudges a report does not use, in one pass. In a thread an inbound message that is not a
 * closer starts a wait when none is pending; the next outbound message answers it.
 */
export function repliedWaits(rows: readonly { thread_id: string; direction: string; occurred_at: number; is_closer: number }[]): RepliedWait[] {
  const waits: RepliedWait[] = [];
  let thread: string | null = null;
  let start: number | null = null;
  for (const r of rows) {
    if (r.thread_id !== thread) {
      thread = r.thread_id;
      start = null;
    }
    if (r.direction === 'in') {
      if (start === null && r.is_closer !== 1) start = r.occurred_at;
    } else if (start !== null) {
      waits.push({ start, repliedAt: r.occurred_at });
      start = null;
    }
  }
  return waits;
}

export type RepliedWait = Pick<Wait, 'start' | 'repliedAt'>;

/** Median reply time of the waits answered in each week, in wall and business seconds. */
export function weeklyResponsiveness(waits: readonly RepliedWait[], weeks: readonly string[], zone: string, clock: BusinessClock): Reports['responsiveness'] {
  // The instants where each week begins, and the end of the last: a reply falls in a week by
  // comparing numbers, where a calendar per reply cost seconds across a large workspace.
  const bounds = weeks.map((w) => DateTime.fromISO(w, { zone }).toMillis());
  if (weeks.length > 0) bounds.push(DateTime.fromISO(weeks[weeks.length - 1]!, { zone }).plus({ weeks: 1 }).toMillis());
  const buckets = weeks.map(() => ({ wall: [] as number[], business: [] as number[] }));
  for (const w of waits) {
    if (w.repliedAt === null) continue;
    const i = weekIndex(bounds, w.repliedAt);
    if (i < 0) continue;
    buckets[i]!.wall.push((w.repliedAt - w.start) / 1000);
    buckets[i]!.business.push(clock.seconds(w.start, w.repliedAt));
  }
  return weeks.map((week, i) => {
    const b = buckets[i]!;
    return { week, replies: b.wall.length, median_s: median(b.wall), median_business_s: median(b.business) };
  });
}

/** The week (index into bounds without its last entry) holding `ms`; -1 outside them all. */
function weekIndex(bounds: readonly number[], ms: number): number {
  if (bounds.length < 2 || ms < bounds[0]! || ms >= bounds[bounds.length - 1]!) return -1;
  let lo = 0;
  let hi = bounds.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ms < bounds[mid]!) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** Bucket lower bounds of the attention ratio; the last bucket is open-ended. */
export const ATTENTION_BUCKETS = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];

export function attentionHistogram(ratios: readonly number[]): Reports['attention_ratios'] {
  const counts = ATTENTION_BUCKETS.map(() => 0);
  for (const r of ratios) {
    let i = ATTENTION_BUCKETS.length - 1;
    while (i > 0 && r < ATTENTION_BUCKETS[i]!) i--;
    counts[i]! += 1;
  }
  return ATTENTION_BUCKETS.map((from, i) => ({ from, to: ATTENTION_BUCKETS[i + 1] ?? null, contacts: counts[i]! }));
}

/** Contacts by current status; any other status (none yet) counts as unscored. */
export function currentStatuses(rows: readonly { status: string | null; contacts: number }[]): Reports['statuses_now'] {
  const counts = { thriving: 0, steady: 0, cooling: 0, at_risk: 0, unscored: 0 };
  for (const r of rows) {
    const key = r.status === 'thriving' || r.status === 'steady' || r.status === 'cooling' || r.status === 'at_risk' ? r.status : 'unscored';
    counts[key] += Number(r.contacts);
  }
  return counts;
}

/** One row per day with a count per status; unscored snapshots are left out. */
export function statusSeries(rows: readonly { day: string; status: string | null; contacts: number }[]): Reports['statuses'] {
  const days = new Map<string, Record<HealthStatus, number>>();
  for (const r of rows) {
    if (r.status !== 'thriving' && r.status !== 'steady' && r.status !== 'cooling' && r.status !== 'at_risk') continue;
    const day = days.get(r.day) ?? { thriving: 0, steady: 0, cooling: 0, at_risk: 0 };
    day[r.status] += Number(r.contacts);
    days.set(r.day, day);
  }
  return [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, counts]) => ({ day, ...counts }));
}
