/** Every query on contacts, their addresses and companies. Row types stay in here. */
import { PostgresAdapter, sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Transaction } from 'kysely';
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

/** PostgreSQL compares text by the database's collation; keys compare by code point there, as on SQLite. */
function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Stages in the order a relationship goes through them (SPEC §5.3, as `stageCondition`). */
function stageRank(clock: StageClock) {
  return sql`case when c.lost = 1 then 4 when c.kind = 'personal' then 3 when c.kind = 'prospect' and c.client_since is null then 0
    when coalesce(c.client_since, c.first_seen_at, c.created_at) > ${clock.now - clock.honeymoonMs} then 1 else 2 end`;
}

/** A contact's tags lower-cased, sorted and joined by ", " (null without tags), as the web app's column shows them. */
function tagsText(pg: boolean) {
  return pg
    ? sql`(select string_agg(lower(t.value) collate "C", ', ' order by lower(t.value) collate "C") from jsonb_array_elements_text(c.tags::jsonb) as t(value))`
    : sql`(select group_concat(lower(t.value), ', ' order by lower(t.value)) from json_each(c.tags) as t)`;
}

/**
 * The sort order as a row of SQL expressions, nulls folded into a leading flag and ties
 * broken by name and id, so that one row comparison with the key of the last row of a page
 * (`findContactSortKey`) starts the next page.
 */
function sortKey(db: Db, sort: ContactSort, clock: StageClock): RawBuilder<unknown>[] {
  const tail = [sql.ref('c.name'), sql.ref('c.id')];
  const pg = isPostgres(db);
  switch (sort) {
    case 'health':
      // Worst first: the contacts that need attention; unscored contacts last.
      return [sql`case when h.score is null then 1 else 0 end`, sql`coalesce(h.score, 0)`, ...tail];
    case 'last-touch':
      // Never touched first, then the longest untouched.
      return [sql`case when h.last_touch_at is null then 0 else 1 end`, sql`coalesce(h.last_touch_at, 0)`, ...tail];
    case 'name':
      return tail;
    case 'company':
      // Alphabetically, case aside; contacts without a company last.
      return [sql`case when co.name_key is null then 1 else 0 end`, pg ? sql`coalesce(co.name_key, '') collate "C"` : sql`coalesce(co.name_key, '')`, ...tail];
    case 'stage':
      return [stageRank(clock), ...tail];
    case 'tags': {
      // Alphabetically by the sorted tags; contacts without tags last.
      const text = tagsText(pg);
      return [sql`case when ${text} is null then 1 else 0 end`, sql`coalesce(${text}, '')`, ...tail];
    }
  }
}

/** The sort key of one contact (undefined when it is gone): the next page starts after it. */
export async function findContactSortKey(db: Db, workspaceId: string, sort: ContactSort, clock: StageClock, id: string): Promise<unknown[] | undefined> {
  const columns = sortKey(db, sort, clock);
  const row = await contactListQuery(db, workspaceId)
    .clearSelect()
    .select(columns.map((column, i) => column.as(`k${i}`)))
    .where('c.id', '=', id)
    .executeTakeFirst();
  return row ? columns.map((_, i) => (row as Record<string, unknown>)[`k${i}`]) : undefined;
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
 * Filtered, sorted contacts. With `afterKey` and `limit`, one page: the rows that sort after
 * that key (keyset pagination, so a page costs the same at any depth).
 */
export function listContactRows(
  db: Db,
  workspaceId: string,
  query: ContactListQuery,
  clock: StageClock,
  page: { afterKey?: unknown[]; limit?: number } = {},
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
  const columns = sortKey(db, query.sort ?? 'name', clock);
  if (page.afterKey) q = q.where(sql<boolean>`(${sql.join(columns)}) > (${sql.join(page.afterKey)})`);
  for (const column of columns) q = q.orderBy(column);
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
