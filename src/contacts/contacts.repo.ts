/** Every query on contacts, their addresses and companies. Row types stay in here. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CompaniesTable, ContactsTable } from './contacts.table.js';
import type { ContactListQuery } from './contacts.schema.js';

export type ContactRow = Omit<ContactsTable, 'tags' | 'phones' | 'lost' | 'version'> & {
  tags: string;
  phones: string;
  lost: number;
  version: number;
};

export type ContactListRow = ContactRow & {
  company_name: string | null;
  primary_email: string | null;
  score: number | null;
  status: string | null;
  slipping: number | null;
  last_touch_at: number | null;
};

type Db = Kysely<Database> | Transaction<Database>;

export function insertContactRow(db: Db, row: ContactRow) {
  return db.insertInto('contacts').values(row).execute();
}

export function insertContactEmails(db: Db, workspaceId: string, contactId: string, emails: string[], primary: string | null) {
  if (emails.length === 0) return Promise.resolve();
  return db
    .insertInto('contact_emails')
    .values(emails.map((email) => ({ workspace_id: workspaceId, email, contact_id: contactId, is_primary: email === primary ? 1 : 0 })))
    .execute();
}

export function findContactIdsByEmails(db: Db, workspaceId: string, emails: string[]) {
  if (emails.length === 0) return Promise.resolve([] as { email: string; contact_id: string }[]);
  return db
    .selectFrom('contact_emails')
    .select(['email', 'contact_id'])
    .where('workspace_id', '=', workspaceId)
    .where('email', 'in', emails)
    .execute();
}

function contactListQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom('contacts as c')
    .leftJoin('companies as co', (j) => j.onRef('co.workspace_id', '=', 'c.workspace_id').onRef('co.id', '=', 'c.company_id'))
    .leftJoin('contact_emails as e', (j) =>
      j.onRef('e.workspace_id', '=', 'c.workspace_id').onRef('e.contact_id', '=', 'c.id').on('e.is_primary', '=', 1),
    )
    .leftJoin('contact_health as h', (j) => j.onRef('h.workspace_id', '=', 'c.workspace_id').onRef('h.contact_id', '=', 'c.id'))
    .selectAll('c')
    .select([
      'co.name as company_name',
      'e.email as primary_email',
      'h.score as score',
      'h.status as status',
      'h.slipping as slipping',
      'h.last_touch_at as last_touch_at',
    ])
    .where('c.workspace_id', '=', workspaceId);
}

export function findContactRowById(db: Db, workspaceId: string, id: string): Promise<ContactListRow | undefined> {
  return contactListQuery(db, workspaceId).where('c.id', '=', id).executeTakeFirst() as Promise<ContactListRow | undefined>;
}

export function listContactEmails(db: Db, workspaceId: string, contactIds: string[]) {
  if (contactIds.length === 0) return Promise.resolve([] as { email: string; contact_id: string; is_primary: number }[]);
  return db
    .selectFrom('contact_emails')
    .select(['email', 'contact_id', 'is_primary'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', contactIds)
    .orderBy('is_primary', 'desc')
    .orderBy('email')
    .execute();
}

/** Filtered, sorted contacts; the stage filter is applied by the service (stage depends on `now`). */
export function listContactRows(db: Db, workspaceId: string, query: ContactListQuery): Promise<ContactListRow[]> {
  let q = contactListQuery(db, workspaceId);
  if (query.status) q = q.where('h.status', '=', query.status);
  if (query.kind) q = q.where('c.kind', '=', query.kind);
  if (query.owner_id) q = q.where('c.owner_id', '=', query.owner_id);
  if (query.tag) q = q.where('c.tags', 'like', `%${JSON.stringify(query.tag)}%`);
  if (query.q) {
    const like = `%${query.q.toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([eb(eb.fn('lower', ['c.name']), 'like', like), eb('e.email', 'like', like), eb(eb.fn('lower', ['co.name']), 'like', like)]),
    );
  }
  switch (query.sort ?? 'name') {
    case 'health':
      // Worst first: the contacts that need attention; unscored contacts last.
      q = q.orderBy(sql`case when h.score is null then 1 else 0 end`).orderBy('h.score', 'asc');
      break;
    case 'last-touch':
      q = q.orderBy(sql`case when h.last_touch_at is null then 0 else 1 end`).orderBy('h.last_touch_at', 'asc');
      break;
    default:
      break;
  }
  return q.orderBy('c.name').orderBy('c.id').execute() as Promise<ContactListRow[]>;
}

export async function findOrCreateCompanyId(db: Db, workspaceId: string, name: string, id: string, now: number): Promise<string> {
  const key = name.trim().toLowerCase();
  const existing = await db
    .selectFrom('companies')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name_key', '=', key)
    .executeTakeFirst();
  if (existing) return existing.id;
  const row: CompaniesTable = { workspace_id: workspaceId, id, name: name.trim(), name_key: key, domain: null, created_at: now };
  await db.insertInto('companies').values(row).onConflict((oc) => oc.columns(['workspace_id', 'name_key']).doNothing()).execute();
  const found = await db
    .selectFrom('companies')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name_key', '=', key)
    .executeTakeFirstOrThrow();
  return found.id;
}

export function updateContactRow(db: Db, workspaceId: string, id: string, values: Partial<ContactRow>, expectedVersion?: number) {
  let q = db
    .updateTable('contacts')
    .set({ ...values, version: sql`version + 1` })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
  return q.executeTakeFirst();
}

export function setPrimaryEmail(db: Db, workspaceId: string, contactId: string, email: string) {
  return db
    .updateTable('contact_emails')
    .set({ is_primary: sql`case when email = ${email} then 1 else 0 end` })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .execute();
}

/** Moves the relationship start earlier when an interaction predates it. */
export function lowerFirstSeen(db: Db, workspaceId: string, contactIds: string[], at: number) {
  if (contactIds.length === 0) return Promise.resolve();
  return db
    .updateTable('contacts')
    .set({ first_seen_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', contactIds)
    .where((eb) => eb.or([eb('first_seen_at', 'is', null), eb('first_seen_at', '>', at)]))
    .execute();
}

export function deleteContactRow(db: Db, workspaceId: string, id: string) {
  return db.deleteFrom('contacts').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}
