import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { isTimeInRange, MAX_TIME_TEXT, TIME_RANGE_TEXT } from './limits.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/**
 * Parses an ISO 8601 instant or date given by a user. A date or a time without an offset is
 * read in `zone` (the workspace's time zone).
 * @throws validation naming `where` when the text is not a valid date or lies outside the stored range.
 */
export function parseInstant(text: string, where: string, zone = 'UTC'): number {
  const dt = DateTime.fromISO(text.trim(), { zone, setZone: true });
  if (!dt.isValid) {
    throw new ValidationError(`${where}: "${text}" is not a valid ISO 8601 date or time`, [
      { where, reason: dt.invalidExplanation ?? 'not ISO 8601' },
    ]);
  }
  const ms = dt.toMillis();
  if (!isTimeInRange(ms)) {
    throw new ValidationError(`${where}: "${text}" must be ${TIME_RANGE_TEXT}`, [{ where, reason: `must be ${TIME_RANGE_TEXT}` }]);
  }
  return ms;
}

/**
 * A time as ISO 8601 text in a request. The schema checks it reads as a time in range (in
 * UTC); the handler parses it again in the workspace's zone with `parseInstant`.
 */
export const InstantText = z
  .string()
  .min(1)
  .max(MAX_TIME_TEXT)
  .refine((text) => DateTime.fromISO(text.trim(), { zone: 'UTC', setZone: true }).isValid, { message: 'not a valid ISO 8601 date or time', abort: true })
  .refine((text) => isTimeInRange(DateTime.fromISO(text.trim(), { zone: 'UTC', setZone: true }).toMillis()), `must be ${TIME_RANGE_TEXT}`)
  .describe(`ISO 8601, ${TIME_RANGE_TEXT}; read in the workspace time zone without an offset`);

/** Validates a calendar date (YYYY-MM-DD) and returns it normalized. */
export function parseDay(text: string, where: string): string {
  const dt = DateTime.fromISO(text.trim(), { zone: 'UTC' });
  if (!dt.isValid) throw new ValidationError(`${where}: "${text}" is not a valid date (YYYY-MM-DD)`, [{ where, reason: 'not a date' }]);
  if (!isTimeInRange(dt.toMillis())) throw new ValidationError(`${where}: "${text}" must be a date ${TIME_RANGE_TEXT}`, [{ where, reason: `must be ${TIME_RANGE_TEXT}` }]);
  return dt.toISODate() as string;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Largest |epoch ms| a Date can hold. */
const DATE_LIMIT_MS = 8.64e15;

/**
 * ISO text of a stored time. Input checks keep stored times in range; a value from before
 * them (or a foreign writer) is clamped to what a Date can show rather than fail the read.
 */
export function toIso(ms: number): string {
  const safe = Number.isFinite(ms) ? Math.min(DATE_LIMIT_MS, Math.max(-DATE_LIMIT_MS, ms)) : 0;
  return new Date(safe).toISOString();
}

export function toIsoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : toIso(ms);
}

/** A time for people to read: "2026-11-19 09:00 GMT", in `zone` and saying which (an ISO instant or milliseconds). */
export function formatLocalTime(at: string | number, zone: string): string {
  const dt = typeof at === 'number' ? DateTime.fromMillis(at, { zone }) : DateTime.fromISO(at, { zone });
  // One locale, so the zone's name reads the same on every machine ("GMT+1", "EST").
  return dt.isValid ? dt.setLocale('en-US').toFormat('yyyy-LL-dd HH:mm ZZZZ') : String(at);
}

/** The calendar day of an instant in `zone` (YYYY-MM-DD): the day people there lived it. */
export function formatLocalDay(at: string | number, zone: string): string {
  const dt = typeof at === 'number' ? DateTime.fromMillis(at, { zone }) : DateTime.fromISO(at, { zone });
  return dt.isValid ? (dt.toISODate() as string) : String(at);
}
