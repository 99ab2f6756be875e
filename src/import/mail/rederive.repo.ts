/** Queries of re-deriving stored mail after a change of own addresses (rederive.service.ts). */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredMail {
  id: string;
  direction: string;
  automated: number;
  occurred_at: number;
  subject_key: string | null;
  body: string | null;
  addresses: string;
}

/** How many emails have their addresses kept, and how many were imported before they were. */
export async function countStoredMail(db: Db, workspaceId: string): Promise<{ withAddresses: number; withoutAddresses: number }> {
  const rows = await db
    .selectFrom('interactions')
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb('addresses', 'is', null).as('missing')])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .groupBy('missing')
    .execute();
  const count = (missing: boolean) => Number(rows.find((r) => Boolean(Number(r.missing)) === missing)?.n ?? 0);
  return { withAddresses: count(false), withoutAddresses: count(true) };
}

/** The next page of emails with kept addresses, by id after `after`. */
export async function listStoredMail(db: Db, workspaceId: string, after: string | null, limit: number): Promise<StoredMail[]> {
  let query = db
    .selectFrom('interactions')
    .select(['id', 'direction', 'automated', 'occurred_at', 'subject_key', 'body', 'addresses'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .where('addresses', 'is not', null);
  if (after !== null) query = query.where('id', '>', after);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows as StoredMail[];
}

/** Removes what was derived from the old direction: participants, subject keys and rule-made tags. */
export async function clearDerived(db: Db, workspaceId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('interaction_contacts').where('workspace_id', '=', workspaceId).where('interaction_id', 'in', ids).execute();
  await db.deleteFrom('thread_subject_keys').where('workspace_id', '=', workspaceId).where('interaction_id', 'in', ids).execute();
  await db
    .deleteFrom('interaction_behaviors')
    .where('workspace_id', '=', workspaceId)
    .where('interaction_id', 'in', ids)
    .where('origin', '!=', 'manual')
    .execute();
}

export async function setDirection(db: Db, workspaceId: string, id: string, direction: string, sentiment: number | null): Promise<void> {
  await db.updateTable('interactions').set({ direction, sentiment }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Contacts with one of these addresses or an address in one of these domains (LIKE: callers check the match). */
export async function findContactsByAddresses(db: Db, workspaceId: string, addresses: string[], domains: string[]) {
  if (addresses.length === 0 && domains.length === 0) return [];
  return db
    .selectFrom('contact_emails as e')
    .innerJoin('contacts as c', (j) => j.onRef('c.workspace_id', '=', 'e.workspace_id').onRef('c.id', '=', 'e.contact_id'))
    .select(['c.id', 'c.name', 'e.email'])
    .where('e.workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(addresses.length > 0 ? [eb('e.email', 'in', addresses)] : []),
        // A domain is text, not a pattern: its % _ and \ are escaped (PostgreSQL refuses a pattern ending in \).
        ...domains.map((d) => sql<boolean>`${sql.ref('e.email')} like ${`%@${d.replace(/[\\%_]/g, (c) => `\\${c}`)}`} escape '\\'`),
      ]),
    )
    .orderBy('c.name')
    .execute();
}
