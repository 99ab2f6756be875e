/** Queries of contact import that contacts.repo.ts does not have: loading merge targets, name matches, birthday facts. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export const BIRTHDAY_TEXT = 'Birthday';

export function findContactsForMerge(db: Db, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('contacts as c')
    .leftJoin('companies as co', (j) => j.onRef('co.workspace_id', '=', 'c.workspace_id').onRef('co.id', '=', 'c.company_id'))
    .select(['c.id', 'c.name', 'c.kind', 'c.phones', 'c.tags', 'c.notes', 'c.client_since', 'co.name as company_name'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', 'in', ids)
    .execute();
}

/**
 * Contacts named one of `names`, oldest first: how a card without an address is matched.
 * SQLite's lower() folds ASCII only, so the names are also compared as given; the caller
 * compares case-insensitively in full Unicode.
 */
export function findContactIdsByNames(db: Db, workspaceId: string, names: string[]) {
  if (names.length === 0) return Promise.resolve([] as { id: string; name: string }[]);
  const lower = [...new Set(names.map((n) => n.toLowerCase()))];
  return db
    .selectFrom('contacts')
    .select(['id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('name', 'in', names), eb(sql<string>`lower(name)`, 'in', lower)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The contacts among `ids` that already have a birthday fact, from any origin. */
export async function findContactIdsWithBirthday(db: Db, workspaceId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('facts')
    .select('contact_id')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', ids)
    .where('kind', '=', 'important_date')
    .where(sql<string>`lower(text)`, '=', BIRTHDAY_TEXT.toLowerCase())
    .execute();
  return new Set(rows.map((r) => r.contact_id));
}

export function insertBirthdayFacts(
  db: Db,
  rows: { workspace_id: string; id: string; contact_id: string; date: string; origin: string; created_at: number }[],
) {
  if (rows.length === 0) return Promise.resolve();
  return db
    .insertInto('facts')
    .values(rows.map((r) => ({ ...r, kind: 'important_date', text: BIRTHDAY_TEXT, yearly: 1 })))
    .execute();
}

/** Birthdays of every contact of the workspace, for export. */
export function listBirthdays(db: Db, workspaceId: string) {
  return db
    .selectFrom('facts')
    .select(['contact_id', 'date'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'important_date')
    .where(sql<string>`lower(text)`, '=', BIRTHDAY_TEXT.toLowerCase())
    .where('date', 'is not', null)
    .orderBy('created_at')
    .execute();
}
