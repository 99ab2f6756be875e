/**
 * Business time (SPEC §4.1): only the seconds inside the workspace's business hours, in its
 * time zone, DST-correct. The business windows of each UTC day are computed once with luxon
 * and cached, so that measuring millions of waits during a rescore costs a few map lookups
 * each instead of a time-zone conversion per day. The cache is shared by every clock of the
 * same zone and hours: each request makes its own clock, and without sharing every read of
 * Today paid the zone conversions of its waits' days again (half its CPU).
 */
import { DateTime } from 'luxon';
import type { BusinessHours } from '../workspaces/workspaces.schema.js';

const DAY_MS = 86_400_000;

export interface BusinessClock {
  /** Business seconds in [fromMs, toMs); 0 when toMs ≤ fromMs. */
  seconds(fromMs: number, toMs: number): number;
  /** Length of a full business day in seconds (for "2.3 business days" in explanations). */
  readonly daySeconds: number;
}

interface DayWindows {
  spans: number[];
  total: number;
}

/** Zones and hours kept (least recently used first out), and days kept per zone and hours. */
const SHARED_CLOCKS = 64;
const DAYS_PER_CLOCK = 50_000;
const sharedDays = new Map<string, Map<number, DayWindows>>();

function sharedDaysOf(key: string): Map<number, DayWindows> {
  let days = sharedDays.get(key);
  if (days) sharedDays.delete(key);
  else days = new Map();
  sharedDays.set(key, days);
  if (sharedDays.size > SHARED_CLOCKS) sharedDays.delete(sharedDays.keys().next().value as string);
  return days;
}

function parseClock(text: string): { hour: number; minute: number } {
  const [h, m] = text.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
}

export function makeBusinessClock(zone: string, hours: BusinessHours): BusinessClock {
  const days = new Set(hours.days);
  const open = parseClock(hours.start);
  const close = parseClock(hours.end);
  // Business windows clipped to each UTC day [u·DAY, (u+1)·DAY), as [start, end) pairs.
  const cache = sharedDaysOf(JSON.stringify([zone, [...days].sort(), hours.start, hours.end]));

  function localWindow(date: DateTime): [number, number] | null {
    if (!days.has(date.weekday)) return null;
    const base = { year: date.year, month: date.month, day: date.day };
    const start = DateTime.fromObject({ ...base, ...open }, { zone }).toMillis();
    // "24:00" closes at the next local midnight.
    const end =
      close.hour === 24
        ? DateTime.fromObject(base, { zone }).plus({ days: 1 }).startOf('day').toMillis()
        : DateTime.fromObject({ ...base, ...close }, { zone }).toMillis();
    return end > start ? [start, end] : null;
  }

  function utcDay(u: number) {
    let entry = cache.get(u);
    if (entry) return entry;
    const dayStart = u * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    // Offsets lie within ±14 h, so only local dates within two days of UTC noon can overlap.
    const noon = DateTime.fromMillis(dayStart + DAY_MS / 2, { zone }).startOf('day');
    const spans: number[] = [];
    let total = 0;
    for (let d = -2; d <= 2; d++) {
      const w = localWindow(noon.plus({ days: d }));
      if (!w) continue;
      const s = Math.max(w[0], dayStart);
      const e = Math.min(w[1], dayEnd);
      if (e > s) {
        spans.push(s, e);
        total += e - s;
      }
    }
    entry = { spans, total };
    if (cache.size >= DAYS_PER_CLOCK) cache.clear();
    cache.set(u, entry);
    return entry;
  }

  function within(u: number, from: number, to: number): number {
    const { spans } = utcDay(u);
    let ms = 0;
    for (let i = 0; i < spans.length; i += 2) {
      const s = Math.max(spans[i]!, from);
      const e = Math.min(spans[i + 1]!, to);
      if (e > s) ms += e - s;
    }
    return ms;
  }

  const daySeconds = (close.hour * 60 + close.minute - (open.hour * 60 + open.minute)) * 60 || 8 * 3600;

  return {
    daySeconds,
    seconds(fromMs, toMs) {
      if (!(toMs > fromMs)) return 0;
      const ua = Math.floor(fromMs / DAY_MS);
      const ub = Math.floor(toMs / DAY_MS);
      if (ua === ub) return within(ua, fromMs, toMs) / 1000;
      let ms = within(ua, fromMs, (ua + 1) * DAY_MS) + within(ub, ub * DAY_MS, toMs);
      for (let u = ua + 1; u < ub; u++) ms += utcDay(u).total;
      return ms / 1000;
    },
  };
}
