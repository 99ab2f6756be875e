/** Every query on contacts, their addresses and companies. Row types stay in here. */
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CompaniesTable, ContactsTable } from './contacts.table.js';
import type { ContactListQuery, ContactSort, Stage } from './contacts.schema.js';

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

/** What the stage filter needs: stage depends on the honeymoon length and on `now`. */
export interface StageClock {
  now: number;
  honeymoonMs: number;
}

/** SPEC §5.3 (computeStage in stage.ts) as a condition on contact rows. */
function stageCondition(eb: ExpressionBuilder<Database & { c: ContactsTable }, 'c'>, stage: Stage, clock: StageClock) {
  const active = eb.and([eb('c.lost', '=', 0), eb('c.kind', '!=', 'personal'), eb.not(eb.and([eb('c.kind', '=', 'prospect'), eb('c.client_since', 'is', null)]))]);
  const start = eb.fn.coalesce('c.client_since', 'c.first_seen_at', 'c.created_at');
  switch (stage) {
    case 'lost':
      return eb('c.lost', '=', 1);
    case 'personal':
      return eb.and([eb('c.lost', '=', 0), eb('c.kind', '=', 'personal')]);
    case 'prospect':
      return eb.and([eb('c.lost', '=', 0), eb('c.kind', '=', 'prospect'), eb('c.client_since', 'is', null)]);
    case 'honeymoon':
      return eb.and([active, eb(start, '>', clock.now - clock.honeymoonMs)]);
    case 'established':
      return eb.and([active, eb(start, '<=', clock.now - clock.honeymoonMs)]);
  }
}

/**
 * The sort order as a key, nulls folded into a leading flag so that a plain row comparison
 * pages through it: `keyOf` gives the same key for a row in JS, to start a page after it.
 */
function sortKey(sort: ContactSort) {
  switch (sort) {
    case 'health':
      // Worst first: the contacts that need attention; unscored contacts last.
      return {
        columns: [sql`case when h.score is null then 1 else 0 end`, sql`coalesce(h.score, 0)`, sql.ref('c.name'), sql.ref('c.id')],
        keyOf: (r: ContactListRow) => [r.score === null ? 1 : 0, r.score ?? 0, r.name, r.id],
      };
    case 'last-touch':
      // Never touched first, then the longest untouched.
      return {
        columns: [sql`case when h.last_touch_at is null then 0 else 1 end`, sql`coalesce(h.last_touch_at, 0)`, sql.ref('c.name'), sql.ref('c.id')],
        keyOf: (r: ContactListRow) => [r.last_touch_at === null ? 0 : 1, r.last_touch_at ?? 0, r.name, r.id],
      };
    case 'name':
      return { columns: [sql.ref('c.name'), sql.ref('c.id')], keyOf: (r: ContactListRow) => [r.name, r.id] };
  }
}

/**
 * `column` contains `text` literally: LIKE's wildcards `%` and `_` and the escape character
 * itself are escaped, with the escape named explicitly (SQLite has no default one).
 */
function containsText(column: RawBuilder<unknown>, text: string) {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`${column} like ${pattern} escape '\\'`;
}

/**
 * Filtered, sorted contacts. With `after` and `limit`, one page: the rows that sort after
 * `after` (keyset pagination, so a page costs the same at any depth).
 */
export function listContactRows(
  db: Db,
  workspaceId: string,
  query: ContactListQuery,
  clock: StageClock,
  page: { after?: ContactListRow; limit?: number } = {},
): Promise<ContactListRow[]> {
  let q = contactListQuery(db, workspaceId);
  if (query.status) q = q.where('h.status', '=', query.status);
  if (query.stage) q = q.where((eb) => stageCondition(eb, query.stage!, clock));
  if (query.kind) q = q.where('c.kind', '=', query.kind);
  if (query.owner_id) q = q.where('c.owner_id', '=', query.owner_id);
  if (query.tag) q = q.where(containsText(sql.ref('c.tags'), JSON.stringify(query.tag)));
  if (query.q) {
    const text = query.q.toLowerCase();
    q = q.where((eb) =>
      eb.or([containsText(sql`lower(c.name)`, text), containsText(sql.ref('e.email'), text), containsText(sql`lower(co.name)`, text)]),
    );
  }
  const key = sortKey(query.sort ?? 'name');
  if (page.after) {
    const after = key.keyOf(page.after);
    q = q.where(sql<boolean>`(${sql.join(key.columns)}) > (${sql.join(after)})`);
  }
  for (const column of key.columns) q = q.orderBy(column);
  if (page.limit !== undefined) q = q.limit(page.limit);
  return q.execute() as Promise<ContactListRow[]>;
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
/** Which of these ids are contacts of the workspace. */
export function listContactIdsIn(db: Db, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string }[]);
  return db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
}

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
