/**
 * The one place the web app turns times and durations into text: every date reads the same
 * way on every page, in the workspace's time zone (a 23:30 mail in Berlin is "7 Dec" there,
 * whatever the browser's zone) and the reader's locale. The shell calls `useWorkspaceFormat`
 * with the workspace settings before any page draws.
 */
import { useMemo } from 'react';

let zone = 'UTC';
let locale: string | undefined;
let dateFmt = makeFormats().date;
let dateTimeFmt = makeFormats().dateTime;
let dayFmt = makeFormats().day;

function makeFormats() {
  // An unknown tag (stored before this browser knew it) falls back to the reader's language.
  if (locale && Intl.DateTimeFormat.supportedLocalesOf(locale).length === 0) locale = undefined;
  return {
    date: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: zone }),
    dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }),
    // Calendar days (YYYY-MM-DD) are already local days: formatted at UTC noon they never shift.
    day: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }),
  };
}

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Sets the zone (and optionally the locale) every later call formats in. */
export function setWorkspaceFormat(timeZone: string, lang?: string) {
  const nextZone = isZone(timeZone) ? timeZone : 'UTC';
  if (nextZone === zone && lang === locale) return;
  zone = nextZone;
  locale = lang;
  ({ date: dateFmt, dateTime: dateTimeFmt, day: dayFmt } = makeFormats());
}

/** The shell's hook: formats follow the workspace's settings once they are known. */
export function useWorkspaceFormat(timeZone: string | undefined, lang: string | null | undefined): string {
  return useMemo(() => {
    if (timeZone) setWorkspaceFormat(timeZone, lang ?? undefined);
    return zone;
  }, [timeZone, lang]);
}

export const workspaceZone = () => zone;

/** "7 Dec 2026" for an instant (ISO text or epoch ms), in the workspace's zone. */
export function formatDate(at: string | number | null | undefined): string {
  if (at == null || at === '') return '—';
  return dateFmt.format(new Date(at));
}

/** "7 Dec 2026, 14:05" in the workspace's zone. */
export function formatDateTime(at: string | number | null | undefined): string {
  if (at == null || at === '') return '—';
  return dateTimeFmt.format(new Date(at));
}

/** A calendar day "2026-12-07" as "7 Dec 2026". */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  return dayFmt.format(new Date(`${day.slice(0, 10)}T12:00:00Z`));
}

/** uPlot draws times in the browser's zone; this shifts its dates into the workspace's. */
export function inWorkspaceZone(epochSeconds: number): Date {
  const d = new Date(epochSeconds * 1000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return new Date(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** "3 d 4 h", "2 h 5 min", "45 s": durations as a person reads them. */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/**
 * Business time in business days and hours: 59.9 business days of 8 hours read "59 d 7 h",
 * where a wall-clock reading of the same seconds would say "19 d 23 h".
 */
export function businessDuration(seconds: number | null | undefined, businessDaySeconds: number | null | undefined): string {
  if (seconds == null) return '—';
  if (!businessDaySeconds || businessDaySeconds <= 0) return duration(seconds);
  const days = Math.floor(seconds / businessDaySeconds);
  const hours = Math.floor((seconds - days * businessDaySeconds) / 3600);
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  return duration(seconds);
}

/** Length of a business day in seconds, from business hours "09:00"–"17:00". */
export function businessDaySeconds(hours: { start: string; end: string } | undefined): number | null {
  if (!hours) return null;
  const s = (t: string) => Number(t.slice(0, 2)) * 3600 + Number(t.slice(3, 5)) * 60;
  return s(hours.end) - s(hours.start);
}

export function daysAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const days = Math.floor((now - Date.parse(iso)) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days} days ago`;
}
