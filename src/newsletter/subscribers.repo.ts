/** Every query on lists, subscribers and suppressions. Row types stay in here. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { NewsletterListsTable, NewsletterSubscribersTable, SubscriberStatus } from './newsletter.table.js';

type Db = Kysely<Database> | Transaction<Database>;

export type ListRow = NewsletterListsTable;
export type SubscriberRow = NewsletterSubscribersTable;

export function insertListRow(db: Db, row: ListRow) {
  return db.insertInto('newsletter_lists').values(row).execute();
}

export function findListRowById(db: Db, workspaceId: string, id: string): Promise<ListRow | undefined> {
  return db.selectFrom('newsletter_lists').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function findListRowByName(db: Db, workspaceId: string, name: string): Promise<ListRow | undefined> {
  return db.selectFrom('newsletter_lists').selectAll().where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
}

export function listListRows(db: Db, workspaceId: string): Promise<ListRow[]> {
  return db.selectFrom('newsletter_lists').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').orderBy('id').execute();
}

export async function countSubscribersByStatus(db: Db, workspaceId: string): Promise<{ list_id: string; status: SubscriberStatus; n: number }[]> {
  const rows = await db
    .selectFrom('newsletter_subscribers')
    .select(['list_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy(['list_id', 'status'])
    .execute();
  return rows.map((r) => ({ list_id: r.list_id, status: r.status, n: Number(r.n) }));
}

export function insertSubscriberRows(db: Db, rows: SubscriberRow[]) {
  return db.insertInto('newsletter_subscribers').values(rows).execute();
}

export function findSubscriberRowByEmail(db: Db, workspaceId: string, listId: string, email: string): Promise<SubscriberRow | undefined> {
  return db
    .selectFrom('newsletter_subscribers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('list_id', '=', listId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export function findSubscriberRowById(db: Db, workspaceId: string, id: string): Promise<SubscriberRow | undefined> {
  return db.selectFrom('newsletter_subscribers').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function findListEmails(db: Db, workspaceId: string, listId: string, emails: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < emails.length; i += 500) {
    const rows = await db
      .selectFrom('newsletter_subscribers')
      .select('email')
      .where('workspace_id', '=', workspaceId)
      .where('list_id', '=', listId)
      .where('email', 'in', emails.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.email);
  }
  return found;
}

export interface SubscriberFilter {
  status?: SubscriberStatus;
  /** Part of the address (addresses are stored lower-cased). */
  email?: string;
}

function whereSubscribers(db: Db, workspaceId: string, listId: string, filter: SubscriberFilter) {
  let q = db.selectFrom('newsletter_subscribers').where('workspace_id', '=', workspaceId).where('list_id', '=', listId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.email) {
    const pattern = `%${filter.email.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`email like ${pattern} escape '\\'`);
  }
  return q;
}

/** One page of a list's subscribers in id order, after `afterId`. */
export function listSubscriberRows(db: Db, workspaceId: string, listId: string, filter: SubscriberFilter & { afterId?: string; limit: number }): Promise<SubscriberRow[]> {
  let q = whereSubscribers(db, workspaceId, listId, filter).selectAll();
  if (filter.afterId) q = q.where('id', '>', filter.afterId);
  return q.orderBy('id').limit(filter.limit).execute();
}

export async function countSubscriberRows(db: Db, workspaceId: string, listId: string, filter: SubscriberFilter): Promise<number> {
  const row = await whereSubscribers(db, workspaceId, listId, filter).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function updateSubscriberRow(db: Db, workspaceId: string, id: string, values: Partial<SubscriberRow>) {
  return db.updateTable('newsletter_subscribers').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/** The contact an address belongs to, if any (addresses are stored lower-cased). */
export async function findContactIdByEmail(db: Db, workspaceId: string, email: string): Promise<string | null> {
  const row = await db.selectFrom('contact_emails').select('contact_id').where('workspace_id', '=', workspaceId).where('email', '=', email).executeTakeFirst();
  return row?.contact_id ?? null;
}

export async function findContactIdsByEmails(db: Db, workspaceId: string, emails: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < emails.length; i += 500) {
    const rows = await db
      .selectFrom('contact_emails')
      .select(['email', 'contact_id'])
      .where('workspace_id', '=', workspaceId)
      .where('email', 'in', emails.slice(i, i + 500))
      .execute();
    for (const r of rows) found.set(r.email, r.contact_id);
  }
  return found;
}

export async function findSuppressedEmails(db: Db, workspaceId: string, emails: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < emails.length; i += 500) {
    const rows = await db
      .selectFrom('newsletter_suppressions')
      .select('email')
      .where('workspace_id', '=', workspaceId)
      .where('email', 'in', emails.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.email);
  }
  return found;
}

/** Suppressing again keeps the first reason. */
export function insertSuppressionRow(db: Db, row: Database['newsletter_suppressions']) {
  return db
    .insertInto('newsletter_suppressions')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'email']).doNothing())
    .execute();
}

/** Marks the address bounced or complained on every list of the workspace. */
export function markAddressOnAllLists(db: Db, workspaceId: string, email: string, status: 'bounced' | 'complained', now: number) {
  return db
    .updateTable('newsletter_subscribers')
    .set({ status, status_changed_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', email)
    .where('status', 'not in', ['bounced', 'complained'])
    .execute();
}
