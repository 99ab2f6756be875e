/**
 * Wall-clock placement for demo events: people write during the day, mostly on weekdays, in
 * the demo workspace's zone (Europe/London). The UK offset is computed from its rule (BST from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October) rather
 * than through a time-zone library, because it runs for millions of messages.
 */
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import type { Random } from './random.js';

const bstByYear = new Map<number, [number, number]>();

function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * DAY_MS + HOUR_MS;
}

/** The offset of Europe/London from UTC at `ms`, in milliseconds (0 or one hour). */
export function londonOffset(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  let range = bstByYear.get(year);
  if (!range) {
    range = [lastSundayAt1Utc(year, 2), lastSundayAt1Utc(year, 9)];
    bstByYear.set(year, range);
  }
  return ms >= range[0] && ms < range[1] ? HOUR_MS : 0;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of the London date at `ms`. */
export function londonWeekday(ms: number): number {
  const day = new Date(ms + londonOffset(ms)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The London local hour (fractional) at `ms`. */
export function londonHour(ms: number): number {
  const local = ms + londonOffset(ms);
  return (local - Math.floor(local / DAY_MS) * DAY_MS) / HOUR_MS;
}

/** The instant of local `hour` on the London day that contains `ms`. */
export function atLondonHour(ms: number, hour: number): number {
  const local = ms + londonOffset(ms);
  const midnightLocal = Math.floor(local / DAY_MS) * DAY_MS;
  const guess = midnightLocal + hour * HOUR_MS;
  return guess - londonOffset(guess - HOUR_MS);
}

export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * Moves `ms` into plausible working time: a weekday (unless `weekends`) between 08:00 and
 * 18:30. Times already inside stay where they are, so short reply delays stay short.
 */
export function intoWorkingTime(ms: number, rng: Random, weekends = false): number {
  let t = ms;
  const hour = londonHour(t);
  if (hour < 7.5) t = atLondonHour(t, rng.real(8, 10));
  else if (hour > 19) t = atLondonHour(t + DAY_MS, rng.real(8, 10));
  if (!weekends) {
    const weekday = londonWeekday(t);
    if (weekday === 6) t = atLondonHour(t + 2 * DAY_MS, rng.real(8, 10.5));
    else if (weekday === 7) t = atLondonHour(t + DAY_MS, rng.real(8, 10.5));
  }
  return wholeSeconds(t);
}

/** A random moment of the working day that contains `ms` (or the next one). */
export function workingMomentOn(ms: number, rng: Random, weekends = false): number {
  return intoWorkingTime(atLondonHour(ms, rng.real(8, 18)), rng, weekends);
}
