/**
 * The demo's own clock. Without an exact `now`, the demo is generated as of a fixed instant and
 * then moved forward by whole weeks to just before the real now: the same seed then gives the
 * same people, messages and counts whenever it runs, with weekdays kept (people write on
 * workdays) and the newest mail at most a week old.
 */
import { DAY_MS } from '../shared/time.js';
import type { DemoRows, DemoTable } from './demo.repo.js';

/** The instant every unanchored demo is generated at. */
export const DEMO_EPOCH = Date.parse('2026-11-23T12:00:00Z');
const WEEK_MS = 7 * DAY_MS;

/** Whole weeks from DEMO_EPOCH to the last such point at or before `now` (negative before the epoch). */
export function demoShift(now: number): number {
  return Math.floor((now - DEMO_EPOCH) / WEEK_MS) * WEEK_MS;
}

/** Columns holding instants (epoch milliseconds) or calendar days (YYYY-MM-DD), per table. */
const INSTANTS: { [T in DemoTable]?: readonly string[] } = {
  companies: ['created_at'],
  contacts: ['client_since', 'first_seen_at', 'created_at', 'updated_at'],
  facts: ['created_at'],
  commitments: ['due_at', 'done_at', 'created_at'],
  knowledge_items: ['created_at'],
  knowledge_shares: ['shared_at'],
  threads: ['first_at', 'last_at'],
  interactions: ['occurred_at', 'created_at'],
};
const DAYS: { [T in DemoTable]?: readonly string[] } = { facts: ['date'] };

/** Moves every time of `rows` by `shift` milliseconds (a whole number of days), in place. */
export function shiftDemoRows(rows: DemoRows, shift: number): DemoRows {
  if (shift === 0) return rows;
  for (const table of Object.keys(rows) as DemoTable[]) {
    const instants = INSTANTS[table] ?? [];
    const days = DAYS[table] ?? [];
    if (instants.length === 0 && days.length === 0) continue;
    for (const row of rows[table] as Record<string, string | number | null>[]) {
      for (const column of instants) {
        const value = row[column];
        if (typeof value === 'number') row[column] = value + shift;
      }
      for (const column of days) {
        const value = row[column];
        if (typeof value === 'string') row[column] = new Date(Date.parse(`${value}T00:00:00Z`) + shift).toISOString().slice(0, 10);
      }
    }
  }
  return rows;
}
