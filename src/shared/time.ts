import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../errors.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/**
 * Parses an ISO 8601 instant or date given by a user. A date or a time without an offset is
 * read in `zone` (the workspace's time zone).
 * @throws validation naming `where` when the text is not a valid date.
 */
export function parseInstant(text: string, where: string, zone = 'UTC'): number {
  const dt = DateTime.fromISO(text.trim(), { zone, setZone: true });
  if (!dt.isValid) {
    throw new ValidationError(`${where}: "${text}" is not a valid ISO 8601 date or time`, [
      { where, reason: dt.invalidExplanation ?? 'not ISO 8601' },
    ]);
  }
  return dt.toMillis();
}

/** Validates a calendar date (YYYY-MM-DD) and returns it normalized. */
export function parseDay(text: string, where: string): string {
  const dt = DateTime.fromISO(text.trim(), { zone: 'UTC' });
  if (!dt.isValid) throw new ValidationError(`${where}: "${text}" is not a valid date (YYYY-MM-DD)`);
  return dt.toISODate() as string;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toIsoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
