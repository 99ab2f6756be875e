/**
 * Plain-words helpers for reasons and drafts: "2 business days", "yesterday",
 * "Friday 14 March". Pure: the zone and `now` are arguments.
 */
import { DateTime, IANAZone } from 'luxon';

export function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? name;
  return first.includes('@') ? name : first;
}

function round1(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function plural(n: string | number, one: string, many: string): string {
  return `${n} ${Number(n) === 1 ? one : many}`;
}

/** A business-time duration: "2 business days", "5 business hours", "40 business minutes". */
export function businessDuration(seconds: number, businessDayS: number): string {
  if (seconds >= businessDayS) return plural(round1(seconds / businessDayS), 'business day', 'business days');
  if (seconds >= 3600) return plural(Math.round(seconds / 3600), 'business hour', 'business hours');
  return plural(Math.max(1, Math.round(seconds / 60)), 'business minute', 'business minutes');
}

/** Whole calendar days from `from` to `to` in the zone (negative when `to` is earlier). */
export function calendarDaysBetween(from: number, to: number, zone: string): number {
  return dayNumber(to, zone) - dayNumber(from, zone);
}

const zones = new Map<string, IANAZone>();

/** The local calendar date YYYY-MM-DD of an instant, without building a DateTime. */
export function localIsoDate(at: number, zone: string): string {
  dayNumber(at, zone);
  return new Date(at + (zones.get(zone) as IANAZone).offset(at) * 60_000).toISOString().slice(0, 10);
}

/** Days since the epoch of the local calendar day: cheap enough to run for every contact. */
export function dayNumber(at: number, zone: string): number {
  let z = zones.get(zone);
  if (!z) {
    z = IANAZone.create(zone);
    zones.set(zone, z);
  }
  return Math.floor((at + z.offset(at) * 60_000) / 86_400_000);
}

/** When a past instant was, seen from now: "today", "yesterday", "3 days ago", "on 2 March". */
export function relativePast(at: number, now: number, zone: string): string {
  const days = calendarDaysBetween(at, now, zone);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  return `on ${DateTime.fromMillis(at, { zone }).toFormat('d LLLL')}`;
}

/** When a future instant is: "today", "tomorrow", "in 5 days". */
export function relativeFuture(at: number, now: number, zone: string): string {
  const days = calendarDaysBetween(now, at, zone);
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}

export function longDay(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat('cccc d LLLL');
}

export function clock(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toFormat('HH:mm');
}

/** "Globex", "Globex and Initech", "Globex, Initech and Hooli". */
export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A number of days as people say it: "1 day", "2.1 days", "13 days" (no 12.7226157…). */
export function dayCount(days: number): string {
  const n = days < 10 ? Math.round(days * 10) / 10 : Math.round(days);
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** A noted label inside a sentence: "Birthday" reads "birthday", "NYC trip" stays. */
export function midSentence(label: string): string {
  return /^\p{Lu}\p{Ll}/u.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/** Quotes a stored text, shortened to a readable length. */
export function quote(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
