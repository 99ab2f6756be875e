/**
 * Lists and their subscribers: consent status with its timestamps, unsubscribe and
 * resubscribe, and the suppression of addresses that bounced or complained, which holds
 * across every list of the workspace.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { newId, type IdGenerator } from '../shared/ids.js';
import { toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import type { SubscriberSource, SubscriberStatus } from './newsletter.table.js';
import {
  ListInputSchema,
  SUBSCRIBER_STATUSES,
  SubscribeInputSchema,
  type ListInput,
  type NewsletterList,
  type SubscribeInput,
  type Subscriber,
} from './newsletter.schema.js';
import {
  countSubscribersByStatus,
  findContactIdByEmail,
  findListRowById,
  findListRowByName,
  findSubscriberRowByEmail,
  findSubscriberRowById,
  findSuppressedEmails,
  insertListRow,
  insertSubscriberRows,
  insertSuppressionRow,
  listListRows,
  listSubscriberRows,
  countSubscriberRows,
  markAddressOnAllLists,
  updateSubscriberRow,
  type ListRow,
  type SubscriberRow,
} from './subscribers.repo.js';

type Db = Kysely<Database> | Transaction<Database>;

function emptyCounts(): NewsletterList['subscribers'] {
  return Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as NewsletterList['subscribers'];
}

export function listRowToList(row: ListRow, counts = emptyCounts()): NewsletterList {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    from_name: row.from_name,
    from_address: row.from_address,
    form_key: row.form_key,
    created_at: toIso(row.created_at),
    subscribers: counts,
  };
}

export function subscriberRowToSubscriber(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    list_id: row.list_id,
    email: row.email,
    name: row.name,
    contact_id: row.contact_id,
    status: row.status,
    source: row.source,
    created_at: toIso(row.created_at),
    confirmed_at: toIsoOrNull(row.confirmed_at),
    unsubscribed_at: toIsoOrNull(row.unsubscribed_at),
    status_changed_at: toIso(row.status_changed_at),
  };
}

/**
 * Creates a list with a random key for its public subscribe form.
 * @throws validation, conflict (name taken)
 */
export async function createList(db: Db, ws: Workspace, input: ListInput, now: number, ids: IdGenerator = newId): Promise<NewsletterList> {
  const data = parseOrThrow(ListInputSchema, input, 'list');
  if (await findListRowByName(db, ws.id, data.name)) throw new ConflictError(`a list named "${data.name}" already exists`);
  const row: ListRow = {
    workspace_id: ws.id,
    id: ids('nl'),
    name: data.name,
    description: data.description ?? '',
    from_name: data.from_name ?? null,
    from_address: data.from_address?.toLowerCase() ?? null,
    form_key: randomBytes(16).toString('base64url'),
    created_at: now,
    updated_at: now,
  };
  await insertListRow(db, row);
  return listRowToList(row);
}

/** Every list with its subscriber counts by status, by name. */
export async function listLists(db: Db, ws: Workspace): Promise<NewsletterList[]> {
  const counts = await countSubscribersByStatus(db, ws.id);
  return (await listListRows(db, ws.id)).map((row) => {
    const c = emptyCounts();
    for (const n of counts) if (n.list_id === row.id) c[n.status] = n.n;
    return listRowToList(row, c);
  });
}

/**
 * A list by id or by name.
 * @throws not_found
 */
export async function findListRowOrThrow(db: Db, ws: Workspace, ref: string): Promise<ListRow> {
  const row = (await findListRowById(db, ws.id, ref)) ?? (await findListRowByName(db, ws.id, ref));
  if (!row) throw new NotFoundError('list', ref);
  return row;
}

/** @throws not_found */
export async function findListOrThrow(db: Db, ws: Workspace, ref: string): Promise<NewsletterList> {
  const row = await findListRowOrThrow(db, ws, ref);
  return (await listLists(db, ws)).find((l) => l.id === row.id) ?? listRowToList(row);
}

/** Whether an address bounced or complained: such an address is never mailed, on any list. */
export async function isSuppressed(db: Db, workspaceId: string, email: string): Promise<boolean> {
  return (await findSuppressedEmails(db, workspaceId, [email.trim().toLowerCase()])).size > 0;
}

/** The timestamps a status change sets beside the status. */
function statusValues(status: SubscriberStatus, now: number): Partial<SubscriberRow> {
  const values: Partial<SubscriberRow> = { status, status_changed_at: now };
  if (status === 'confirmed') {
    values.confirmed_at = now;
    values.confirm_token_hash = null;
    values.unsubscribed_at = null;
  }
  if (status === 'unconfirmed') values.unsubscribed_at = null;
  if (status === 'unsubscribed') values.unsubscribed_at = now;
  return values;
}

/**
 * Adds an address (or a contact's) to a list, or resubscribes it. Addresses are lower-cased
 * and linked to the contact that has them. Without `confirmed` the subscriber stays
 * unconfirmed until the double opt-in is confirmed; a confirmed subscriber stays confirmed.
 * @throws validation (address), not_found (list), conflict (the address bounced or complained)
 */
export async function subscribe(
  db: Db,
  ws: Workspace,
  listRef: string,
  input: SubscribeInput,
  source: SubscriberSource,
  now: number,
  options: { consentIp?: string | null; ids?: IdGenerator } = {},
): Promise<Subscriber> {
  const data = parseOrThrow(SubscribeInputSchema, input, 'subscriber');
  const email = data.email.toLowerCase();
  const list = await findListRowOrThrow(db, ws, listRef);
  const existing = await findSubscriberRowByEmail(db, ws.id, list.id, email);
  if ((existing && (existing.status === 'bounced' || existing.status === 'complained')) || (await isSuppressed(db, ws.id, email))) {
    throw new ConflictError(`${email} bounced or complained before: it is suppressed and never mailed again`);
  }
  const status: SubscriberStatus = data.confirmed || existing?.status === 'confirmed' ? 'confirmed' : 'unconfirmed';
  if (existing) {
    if (existing.status === status) return subscriberRowToSubscriber(existing);
    const values = { ...statusValues(status, now), ...(data.name && !existing.name ? { name: data.name } : {}) };
    await updateSubscriberRow(db, ws.id, existing.id, values);
    return subscriberRowToSubscriber({ ...existing, ...values });
  }
  const row: SubscriberRow = {
    workspace_id: ws.id,
    id: (options.ids ?? newId)('ns'),
    list_id: list.id,
    email,
    name: data.name ?? null,
    contact_id: await findContactIdByEmail(db, ws.id, email),
    status,
    source,
    confirm_token_hash: null,
    consent_ip: options.consentIp ?? null,
    soft_bounces: 0,
    created_at: now,
    confirmed_at: status === 'confirmed' ? now : null,
    unsubscribed_at: null,
    status_changed_at: now,
  };
  await insertSubscriberRows(db, [row]);
  return subscriberRowToSubscriber(row);
}

/**
 * Takes an address off a list; it can resubscribe later.
 * @throws not_found (list, address not on it)
 */
export async function unsubscribe(db: Db, ws: Workspace, listRef: string, email: string, now: number): Promise<Subscriber> {
  const list = await findListRowOrThrow(db, ws, listRef);
  const row = await findSubscriberRowByEmail(db, ws.id, list.id, email.trim().toLowerCase());
  if (!row) throw new NotFoundError(`subscriber of ${list.name}`, email);
  return changeSubscriberStatus(db, ws, row.id, 'unsubscribed', now);
}

/**
 * Sets a subscriber's status with its timestamps (confirmed_at, unsubscribed_at,
 * status_changed_at). Bounced and complained are final here: use suppressAddress.
 * @throws not_found, conflict (the subscriber bounced or complained)
 */
export async function changeSubscriberStatus(db: Db, ws: Workspace, subscriberId: string, status: SubscriberStatus, now: number, listId?: string): Promise<Subscriber> {
  const row = await findSubscriberRowById(db, ws.id, subscriberId);
  if (!row || (listId !== undefined && row.list_id !== listId)) throw new NotFoundError('subscriber', subscriberId);
  if (row.status === status) return subscriberRowToSubscriber(row);
  if (row.status === 'bounced' || row.status === 'complained') throw new ConflictError(`${row.email} ${row.status}: it is suppressed and its status stays`);
  const values = statusValues(status, now);
  await updateSubscriberRow(db, ws.id, row.id, values);
  return subscriberRowToSubscriber({ ...row, ...values });
}

/** Suppresses an address on every list: it bounced hard or complained. Idempotent. */
export async function suppressAddress(db: Db, ws: Workspace, email: string, reason: 'bounced' | 'complained', detail: string, now: number): Promise<void> {
  const address = email.trim().toLowerCase();
  await insertSuppressionRow(db, { workspace_id: ws.id, email: address, reason, detail, created_at: now });
  await markAddressOnAllLists(db, ws.id, address, reason, now);
}

/**
 * One page of a list's subscribers, in id order, optionally of one status or whose address
 * contains `email`; `total` counts every match, not only this page.
 * @throws not_found (list), validation (status)
 */
export async function listSubscribers(
  db: Db,
  ws: Workspace,
  listRef: string,
  page: { status?: string; email?: string; after?: string; limit: number },
): Promise<{ items: Subscriber[]; next: string | null; total: number }> {
  const list = await findListRowOrThrow(db, ws, listRef);
  if (page.status !== undefined && !(SUBSCRIBER_STATUSES as readonly string[]).includes(page.status)) {
    throw new ValidationError(`status: expected one of ${SUBSCRIBER_STATUSES.join(', ')}`, [{ where: 'status', reason: 'unknown status' }]);
  }
  const filter = { status: page.status as SubscriberStatus | undefined, email: page.email?.trim() || undefined };
  const [rows, total] = await Promise.all([
    listSubscriberRows(db, ws.id, list.id, { ...filter, afterId: page.after, limit: page.limit + 1 }),
    countSubscriberRows(db, ws.id, list.id, filter),
  ]);
  const items = rows.slice(0, page.limit).map(subscriberRowToSubscriber);
  return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null, total };
}
