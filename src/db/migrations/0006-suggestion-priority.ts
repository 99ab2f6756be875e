/**
 * Suggestion priorities are whole numbers 0–100. An earlier reconnect rule computed fractions,
 * which SQLite stored as they came (PostgreSQL refused them); this rounds the ones stored, so
 * done and dismissed suggestions, which are never recomputed, read the same on both engines.
 * Frozen in time like every migration (Kysely<any>, no app imports).
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await sql`update suggestions set priority = cast(round(priority) as integer) where priority <> round(priority)`.execute(db);
    await sql`update suggestions set due_at = cast(round(due_at) as bigint) where due_at <> round(due_at)`.execute(db);
  },
};
