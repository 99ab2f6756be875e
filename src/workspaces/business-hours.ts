import { ValidationError } from '../errors.js';
import type { BusinessHours } from './workspaces.schema.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Parses business hours written as people write them: "mon-fri 09:00-17:00",
 * "mon,wed,fri 08:30-16:00", "sun-thu 08:00-16:00".
 * @throws validation when the text cannot be read.
 */
export function parseBusinessHours(text: string, where = '--hours'): BusinessHours {
  const match = /^\s*([a-z,\- ]+?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/i.exec(text);
  const fail = (reason: string): never => {
    throw new ValidationError(`${where}: "${text}" ${reason}; expected e.g. "mon-fri 09:00-17:00"`);
  };
  if (!match) return fail('is not of the form DAYS HH:MM-HH:MM');
  const [, dayPart, start, end] = match as unknown as [string, string, string, string];
  const days = new Set<number>();
  for (const piece of dayPart.toLowerCase().split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to] = piece.split('-').map((d) => DAYS.indexOf(d.trim().slice(0, 3)));
    if (from === undefined || from < 0 || (to !== undefined && to < 0)) fail(`names an unknown day in "${piece}"`);
    const last = to ?? from!;
    for (let d = from!; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === last) break;
    }
  }
  const pad = (t: string) => t.padStart(5, '0');
  const hours = { days: [...days].sort((a, b) => a - b), start: pad(start), end: pad(end) };
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(hours.start) || !/^([01]\d|2[0-4]):[0-5]\d$/.test(hours.end)) fail('has an invalid time');
  if (hours.start >= hours.end) fail('ends before it starts');
  return hours;
}

export function formatBusinessHours(hours: BusinessHours): string {
  const names = hours.days.map((d) => DAYS[d - 1]);
  const contiguous = hours.days.every((d, i) => i === 0 || d === hours.days[i - 1]! + 1);
  const days = contiguous && names.length > 2 ? `${names[0]}-${names[names.length - 1]}` : names.join(',');
  return `${days} ${hours.start}-${hours.end}`;
}
