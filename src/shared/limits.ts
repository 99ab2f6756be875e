/**
 * Input limits shared by the API's zod schemas, the CLI's parsers and the web app: what a
 * stored value may be so that every later read can present it. Widening a limit is safe;
 * narrowing one can make stored data unreadable to an older check, so never narrow silently.
 */
import { z } from 'zod';

/** Earliest and latest instant Rapport stores (epoch ms): plenty for a relationship, far inside what a Date can show. */
export const MIN_TIME_MS = Date.UTC(1900, 0, 1);
export const MAX_TIME_MS = Date.UTC(2200, 0, 1);
export const TIME_RANGE_TEXT = 'between 1900-01-01 and 2200-01-01';

/** Most items in one list field (tags, phones, emails, behaviours, topics…). */
export const MAX_LIST_ITEMS = 100;
/** Longest id or reference (contact id or address, user id…). */
export const MAX_REF_LENGTH = 320;
/** Longest ISO 8601 text accepted for a time. */
export const MAX_TIME_TEXT = 40;

export function isTimeInRange(ms: number): boolean {
  return Number.isInteger(ms) && ms >= MIN_TIME_MS && ms <= MAX_TIME_MS;
}

/** A time as epoch milliseconds, within the stored range. */
export const EpochMs = z
  .number()
  .int()
  .refine(isTimeInRange, { message: `must be a time ${TIME_RANGE_TEXT} (epoch ms)`, abort: true })
  .describe(`epoch ms, ${TIME_RANGE_TEXT}`);

/** A calendar day YYYY-MM-DD within the stored range. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((d) => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d);
  }, 'not a real calendar date')
  .refine((d) => isTimeInRange(Date.parse(`${d}T00:00:00Z`)), `must be a date ${TIME_RANGE_TEXT}`);

/** A list field: at most MAX_LIST_ITEMS items. */
export function boundedList<T extends z.ZodType>(item: T, max = MAX_LIST_ITEMS) {
  return z.array(item).max(max, `at most ${max} items`);
}

/**
 * A stored time for computing: one outside the range (written before the input checks
 * existed) counts as unknown rather than break every read that does date arithmetic on it.
 */
export function storedTimeOrNull(ms: number | null): number | null {
  return ms !== null && isTimeInRange(Number(ms)) ? ms : null;
}

/** A row version (ETag) as a body field: stored as a 32-bit integer on PostgreSQL. */
export const RowVersion = z.number().int().positive().max(2_147_483_647);
