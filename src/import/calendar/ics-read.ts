/**
 * Reads an iCalendar file into meeting occurrences (pure: `now`, the workspace zone and the
 * own-address test are passed in). Parsing and recurrence expansion (RRULE, RDATE, EXDATE)
 * are ical.js's. Recurring events are expanded up to `now`, over the last LOOKBACK_YEARS
 * years only, keeping at most MAX_OCCURRENCES_PER_EVENT (the latest) per event and giving up
 * after MAX_ITERATIONS steps of a rule, so that an endless rule cannot hang an import.
 * An occurrence's identity is its UID plus its RECURRENCE-ID (its original start, in UTC),
 * so re-importing, or an exception that moves an occurrence, never duplicates it.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { DAY_MS } from '../../shared/time.js';
import { toInstant } from './zones.js';

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

export const LOOKBACK_YEARS = 5;
export const MAX_OCCURRENCES_PER_EVENT = 1000;
export const MAX_ITERATIONS = 100_000;

export interface Person {
  email: string;
  name: string | null;
}

export interface MeetingOccurrence {
  identity: string;
  at: number;
  subject: string | null;
  description: string | null;
  direction: 'in' | 'out';
  organizer: Person | null;
  /** Counterparts: the non-own organizer and attendees, never empty. */
  people: { person: Person; role: 'from' | 'attendee' }[];
  where: string;
}

export interface CalendarRead {
  occurrences: MeetingOccurrence[];
  /** Occurrences up to `now` within the look-back, cancelled and declined ones included. */
  read: number;
  malformed: { where: string; reason: string }[];
  /** Problems that did not stop an event: unknown time zones, capped expansions. */
  notes: { where: string; reason: string }[];
  /** Occurrences skipped because they were cancelled, declined, or had nobody but the workspace. */
  skipped: number;
}

export interface ReadOptions {
  now: number;
  zone: string;
  isOwn: (address: string) => boolean;
}

function personOf(prop: InstanceType<typeof ICAL.Property>): Person | null {
  const value = String(prop.getFirstValue() ?? '').trim();
  const email = value.replace(/^mailto:/i, '').trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return null;
  const cn = prop.getParameter('cn');
  const name = typeof cn === 'string' ? cn.replace(/^"(.*)"$/, '$1').trim() : '';
  return { email, name: name && name.toLowerCase() !== email ? name : null };
}

function text(c: Component, name: string): string | null {
  const v = c.getFirstPropertyValue(name);
  const t = v === null || v === undefined ? '' : String(v).trim();
  return t || null;
}

function startOf(c: Component): { time: Time; tzid: string | null } | null {
  const prop = c.getFirstProperty('dtstart');
  const time = prop?.getFirstValue() as Time | null | undefined;
  if (!prop || !time || typeof time !== 'object' || !('isDate' in time)) return null;
  const tzid = prop.getParameter('tzid');
  return { time, tzid: typeof tzid === 'string' ? tzid : null };
}

export function readCalendar(source: string, file: string, options: ReadOptions): CalendarRead {
  const result: CalendarRead = { occurrences: [], read: 0, malformed: [], notes: [], skipped: 0 };
  let parsed: unknown;
  try {
    parsed = ICAL.parse(source.replace(/^\uFEFF/, ''));
  } catch (error) {
    result.read = 1;
    result.malformed.push({ where: file, reason: `not a readable iCalendar file: ${(error as Error).message}` });
    return result;
  }
  const roots = (Array.isArray((parsed as unknown[])[0]) ? parsed : [parsed]) as unknown[];
  const events: Component[] = [];
  for (const root of roots) {
    const component = new ICAL.Component(root as string);
    if (component.name === 'vcalendar') events.push(...component.getAllSubcomponents('vevent'));
    else if (component.name === 'vevent') events.push(component);
  }
  const overrides = new Map<string, Component[]>();
  const hasMaster = new Set<string>();
  for (const e of events) {
    const uid = text(e, 'uid');
    if (!uid) continue;
    if (e.hasProperty('recurrence-id')) overrides.set(uid, [...(overrides.get(uid) ?? []), e]);
    else hasMaster.add(uid);
  }
  events.forEach((event, i) => {
    const uid = text(event, 'uid');
    const where = `${file} event ${i + 1}${uid ? ` (UID ${uid.slice(0, 80)})` : ''}`;
    // An exception is read with its master; alone, it is a single event.
    if (uid && event.hasProperty('recurrence-id') && hasMaster.has(uid)) return;
    try {
      readEvent(event, uid, uid ? (overrides.get(uid) ?? []) : [], where, options, result);
    } catch (error) {
      result.malformed.push({ where, reason: (error as Error).message || String(error) });
    }
  });
  return result;
}

function readEvent(master: Component, uid: string | null, exceptions: Component[], where: string, o: ReadOptions, out: CalendarRead) {
  const start = startOf(master);
  if (!start) throw new Error('no valid DTSTART');
  const instant = (t: Time, tzid: string | null) => {
    const i = toInstant(t, tzid, o.zone);
    if (i.unknownZone && !out.notes.some((n) => n.where === where)) {
      out.notes.push({ where, reason: `unknown time zone "${i.unknownZone}": read in ${o.zone}` });
    }
    if (!Number.isFinite(i.ms)) throw new Error(`invalid date ${t.toString()}`);
    return i.ms;
  };
  const key = uid ?? createHash('sha1').update(`${start.time.toString()}|${text(master, 'summary') ?? ''}|${text(master, 'organizer') ?? ''}`).digest('hex');
  const isRecurring = master.hasProperty('rrule') || master.hasProperty('rdate');
  const lower = o.now - LOOKBACK_YEARS * 365 * DAY_MS;

  if (!isRecurring) {
    const recurrence = master.getFirstProperty('recurrence-id');
    const suffix = recurrence ? `:${new Date(instant(recurrence.getFirstValue() as Time, strParam(recurrence, 'tzid'))).toISOString()}` : '';
    // The look-back bounds recurrence expansion only: a single meeting of any age is kept.
    emit(master, instant(start.time, start.tzid), `ics:${key}${suffix}`, where, Number.NEGATIVE_INFINITY, o, out);
    return;
  }

  const byRecurrence = new Map<number, Component>();
  for (const ex of exceptions) {
    const prop = ex.getFirstProperty('recurrence-id')!;
    byRecurrence.set(instant(prop.getFirstValue() as Time, strParam(prop, 'tzid')), ex);
  }
  const iterator = new ICAL.Event(master, { exceptions: [], strictExceptions: false }).iterator();
  const found: number[] = [];
  let steps = 0;
  let dropped = false;
  for (let next = iterator.next(); next; next = iterator.next()) {
    if (++steps > MAX_ITERATIONS) {
      out.notes.push({ where, reason: `recurrence expansion stopped after ${MAX_ITERATIONS} steps` });
      break;
    }
    const at = instant(next, start.tzid);
    if (at > o.now) break;
    if (at < lower) continue;
    found.push(at);
    if (found.length > MAX_OCCURRENCES_PER_EVENT) {
      found.shift();
      dropped = true;
    }
  }
  if (dropped) {
    out.notes.push({ where, reason: `only the latest ${MAX_OCCURRENCES_PER_EVENT} occurrences were kept` });
  }
  for (const at of found) {
    const ex = byRecurrence.get(at);
    byRecurrence.delete(at);
    const exStart = ex ? startOf(ex) : null;
    emit(ex ?? master, exStart ? instant(exStart.time, exStart.tzid) : at, `ics:${key}:${new Date(at).toISOString()}`, where, lower, o, out);
  }
  // Exceptions whose original slot the rule no longer produces (or lies outside the window) still happened.
  for (const [recurrenceAt, ex] of byRecurrence) {
    const exStart = startOf(ex);
    if (!exStart || recurrenceAt > o.now) continue;
    emit(ex, instant(exStart.time, exStart.tzid), `ics:${key}:${new Date(recurrenceAt).toISOString()}`, where, lower, o, out);
  }
}

function strParam(prop: InstanceType<typeof ICAL.Property>, name: string): string | null {
  const v = prop.getParameter(name);
  return typeof v === 'string' ? v : null;
}

function emit(c: Component, at: number, identity: string, where: string, lower: number, o: ReadOptions, out: CalendarRead) {
  if (at > o.now || at < lower) return;
  out.read += 1;
  if (text(c, 'status')?.toUpperCase() === 'CANCELLED') {
    out.skipped += 1;
    return;
  }
  const organizerProp = c.getFirstProperty('organizer');
  const organizer = organizerProp ? personOf(organizerProp) : null;
  const people = new Map<string, { person: Person; role: 'from' | 'attendee' }>();
  if (organizer && !o.isOwn(organizer.email)) people.set(organizer.email, { person: organizer, role: 'from' });
  for (const prop of c.getAllProperties('attendee')) {
    const person = personOf(prop);
    if (!person) continue;
    const declined = String(prop.getParameter('partstat') ?? '').toUpperCase() === 'DECLINED';
    if (o.isOwn(person.email)) {
      // The workspace declined: the meeting did not happen for it.
      if (declined) {
        out.skipped += 1;
        return;
      }
      continue;
    }
    const cutype = String(prop.getParameter('cutype') ?? '').toUpperCase();
    if (declined || cutype === 'ROOM' || cutype === 'RESOURCE') continue;
    if (!people.has(person.email)) people.set(person.email, { person, role: 'attendee' });
  }
  if (people.size === 0) {
    out.skipped += 1;
    return;
  }
  out.occurrences.push({
    identity,
    at,
    subject: text(c, 'summary'),
    description: text(c, 'description'),
    direction: organizer && !o.isOwn(organizer.email) ? 'in' : 'out',
    organizer,
    people: [...people.values()],
    where,
  });
}
