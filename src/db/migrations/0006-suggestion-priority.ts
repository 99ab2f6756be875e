/**
 * Parity of the two engines. Suggestion priorities are whole numbers 0–100: an earlier
 * reconnect rule computed fractions, which SQLite stored as they came (PostgreSQL refused
 * them); this rounds the ones stored, so done and dismissed suggestions, which are never
 * recomputed, read the same on both. And on PostgreSQL the text columns that lists are sorted
 * by (contact names, addresses, suggestion causes) compare by code point, as SQLite does:
 * under a database's linguistic default (en_US…) "adam" would sort before "Zoe" on one engine
 * and after it on the other. Frozen in time like every migration (Kysely<any>, no app imports).
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await sql`update suggestions set priority = cast(round(priority) as integer) where priority <> round(priority)`.execute(db);
    await sql`update suggestions set due_at = cast(round(due_at) as bigint) where due_at <> round(due_at)`.execute(db);
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    for (const [table, column] of [
      ['contacts', 'name'],
      ['contact_emails', 'email'],
      ['users', 'email'],
      ['suggestions', 'cause'],
    ] as const) {
      await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "C"`.execute(db);
    }
  },
};
