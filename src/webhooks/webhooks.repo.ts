/** Every query on webhooks and their deliveries. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { WebhookDeliveriesTable, WebhooksTable } from './webhooks.table.js';

type Db = Kysely<Database> | Transaction<Database>;
export type WebhookRow = WebhooksTable;
export type DeliveryRow = WebhookDeliveriesTable;

export function insertWebhook(db: Db, row: WebhookRow) {
  return db.insertInto('webhooks').values(row).execute();
}

export function listWebhookRows(db: Db, workspaceId: string) {
  return db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
}

export function findWebhookRow(db: Db, workspaceId: string, id: string) {
  return db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function updateWebhookRow(db: Db, workspaceId: string, id: string, values: Partial<WebhookRow>, expectedVersion?: number) {
  let q = db.updateTable('webhooks').set({ ...values, version: sql`version + 1` }).where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
  return q.executeTakeFirst();
}

export function deleteWebhookRow(db: Db, workspaceId: string, id: string) {
  return db.deleteFrom('webhooks').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export function insertDeliveries(db: Db, rows: DeliveryRow[]) {
  if (rows.length === 0) return Promise.resolve();
  return db.insertInto('webhook_deliveries').values(rows).execute();
}

export function listDeliveryRows(db: Db, workspaceId: string, webhookId: string, limit: number, before?: string) {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('workspace_id', '=', workspaceId).where('webhook_id', '=', webhookId);
  if (before) q = q.where('id', '<', before);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

function selectDeliveryWithHook(db: Db) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', (j) => j.onRef('w.workspace_id', '=', 'd.workspace_id').onRef('w.id', '=', 'd.webhook_id'))
    .selectAll('d')
    .select(['w.url', 'w.secret', 'w.active']);
}

export type DeliveryWithHook = Awaited<ReturnType<typeof listDueDeliveryRows>>[number];

/** Pending deliveries that are due, oldest first, across workspaces (the delivery worker). */
export function listDueDeliveryRows(db: Db, now: number, limit: number) {
  return selectDeliveryWithHook(db)
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    .orderBy('d.next_attempt_at')
    .limit(limit)
    .execute();
}

/** One delivery with its webhook's address and secret. */
export function findDeliveryWithHook(db: Db, workspaceId: string, id: string) {
  return selectDeliveryWithHook(db).where('d.workspace_id', '=', workspaceId).where('d.id', '=', id).executeTakeFirst();
}

/** Claims a delivery by pushing its next attempt forward; false when another worker got it. */
export async function claimDelivery(db: Db, row: DeliveryRow, until: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: until })
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .where('next_attempt_at', '=', row.next_attempt_at)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Claims a delivery for one attempt by a job, now: one not delivered yet and not held by
 * another attempt. A held delivery is one whose claim (next attempt pushed to `until`, last
 * attempt stamped now) has not run out; a delivery waiting on the retry schedule is not held,
 * so a job retried by hand sends at once. Compare-and-set on what was read: of two jobs that
 * read the same row, one claims it. False when the delivery is held or another job won.
 */
export async function claimDeliveryForAttempt(db: Db, row: DeliveryRow, now: number, claimMs: number): Promise<boolean> {
  const held = row.status === 'pending' && row.next_attempt_at !== null && row.last_attempt_at !== null && row.next_attempt_at > now && row.next_attempt_at - row.last_attempt_at === claimMs;
  if (row.status === 'succeeded' || held) return false;
  let query = db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now + claimMs, last_attempt_at: now })
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .where('attempts', '=', row.attempts);
  query = row.next_attempt_at === null ? query.where('next_attempt_at', 'is', null) : query.where('next_attempt_at', '=', row.next_attempt_at);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function updateDeliveryRow(db: Db, workspaceId: string, id: string, values: Partial<DeliveryRow>) {
  return db.updateTable('webhook_deliveries').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/**
 * Stored health of the workspace's contacts, or of some of them. The metrics JSON is read only
 * for a few contacts: across a whole workspace it would be megabytes.
 */
export function listStoredHealth(db: Db, workspaceId: string, contactIds: string[] | null) {
  const base = db.selectFrom('contact_health').select(['contact_id', 'status', 'score', 'slipping']).where('workspace_id', '=', workspaceId);
  if (!contactIds) return base.select(sql<string | null>`null`.as('metrics')).execute();
  if (contactIds.length === 0) return Promise.resolve([]);
  return base.select('metrics').where('contact_id', 'in', contactIds).execute();
}

/** Name and primary address of contacts, for event payloads. */
export function listContactRefs(db: Db, workspaceId: string, contactIds: string[]) {
  if (contactIds.length === 0) return Promise.resolve([] as { id: string; name: string; email: string | null }[]);
  return db
    .selectFrom('contacts as c')
    .leftJoin('contact_emails as e', (j) => j.onRef('e.workspace_id', '=', 'c.workspace_id').onRef('e.contact_id', '=', 'c.id').on('e.is_primary', '=', 1))
    .select(['c.id', 'c.name', 'e.email'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', 'in', contactIds)
    .execute();
}
