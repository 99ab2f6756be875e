/**
 * Time zones of iCalendar times. A TZID is read, in order, as an IANA name (also behind a
 * vendor prefix such as /mozilla.org/…/ or posix/), as a Windows name through the CLDR
 * windowsZones table (windows-iana: "W. Europe Standard Time" → Europe/Berlin), and else by
 * the VTIMEZONE of the file (custom names such as "(UTC-03:00) Brasília"). A floating time,
 * or a TZID none of these knows, is read in the workspace's zone.
 */
import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';
import windowsIana from 'windows-iana';

type Time = InstanceType<typeof ICAL.Time>;

const cache = new Map<string, string | null>();

/** The IANA zone a TZID names, or null. */
export function ianaZoneOf(tzid: string): string | null {
  const cached = cache.get(tzid);
  if (cached !== undefined) return cached;
  const text = tzid.trim().replace(/^"(.*)"$/, '$1');
  const candidates = [text, text.replace(/^\/?([^/]+\/)*?(?=[A-Z][a-z]+\/[A-Za-z_]+$)/, ''), text.replace(/^(posix|right)\//, '')];
  let zone: string | null = candidates.find((c) => c && IANAZone.isValidZone(c) && c.includes('/')) ?? null;
  if (!zone && /^(utc|gmt|z)$/i.test(text)) zone = 'UTC';
  if (!zone) {
    // The first zone CLDR lists is its territory-001 default: the one Windows means.
    const [first] = windowsIana.findIana(text);
    if (first && IANAZone.isValidZone(first)) zone = first;
  }
  cache.set(tzid, zone);
  return zone;
}

export interface Instant {
  ms: number;
  /** Set when the time was read in the workspace zone because its TZID is unknown. */
  unknownZone?: string;
}

function isUtc(t: Time): boolean {
  return t.zone === ICAL.Timezone.utcTimezone || t.zone?.tzid === 'UTC';
}

function wallTimeIn(t: Time, zone: string): number {
  return DateTime.fromObject(
    { year: t.year, month: t.month, day: t.day, hour: t.isDate ? 0 : t.hour, minute: t.isDate ? 0 : t.minute, second: t.isDate ? 0 : t.second },
    { zone },
  ).toMillis();
}

/**
 * The UTC instant of an iCalendar time. `tzid` is the TZID parameter of its property (ical.js
 * keeps it only when it found the zone); all-day dates start at midnight of the workspace zone.
 */
export function toInstant(t: Time, tzid: string | null, workspaceZone: string): Instant {
  if (t.isDate) return { ms: wallTimeIn(t, workspaceZone) };
  if (isUtc(t)) return { ms: t.toUnixTime() * 1000 };
  const id = tzid ?? (t.zone && t.zone !== ICAL.Timezone.localTimezone ? t.zone.tzid : null);
  if (!id) return { ms: wallTimeIn(t, workspaceZone) };
  const iana = ianaZoneOf(id);
  if (iana) return { ms: wallTimeIn(t, iana) };
  // A VTIMEZONE of the file that ical.js resolved: its own rules convert the time.
  if (t.zone && t.zone.tzid === id && t.zone.component) return { ms: t.toUnixTime() * 1000 };
  return { ms: wallTimeIn(t, workspaceZone), unknownZone: id };
}
