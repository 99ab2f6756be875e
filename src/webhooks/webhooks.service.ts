/**
 * Webhook subscriptions and event emission. `emitEvent` is what other domains call when
 * something happens (contact.status_changed, wait.opened, suggestion.created…): it records
 * one pending delivery per matching webhook, in the caller's transaction if given, and the
 * delivery worker (delivery.ts) sends them with retries.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { idWith } from '../auth/secrets.js';
import { newId } from '../shared/ids.js';
import { readJson } from '../shared/json.js';
import { toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { newWebhookSecret } from './signing.js';
import { refusedTargetReason } from './ssrf.js';
import {
  deleteWebhookRow, findWebhookRow, insertDeliveries, insertWebhook, listDeliveryRows, listWebhookRows, updateWebhookRow,
  type DeliveryRow, type WebhookRow,
} from './webhooks.repo.js';
import { EVENT_TYPES, WebhookInputSchema, WebhookPatchSchema, type Delivery, type EventType, type Webhook } from './webhooks.schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export function webhookRowToWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: readJson<string[]>(row.events, []),
    active: row.active === 1,
    version: row.version,
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
}

export function deliveryRowToDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event_type: row.event_type,
    status: row.status as Delivery['status'],
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? toIsoOrNull(row.next_attempt_at) : null,
    last_attempt_at: toIsoOrNull(row.last_attempt_at),
    response_status: row.response_status,
    last_error: row.last_error,
    created_at: toIso(row.created_at),
    payload: readJson<unknown>(row.payload, null),
  };
}

async function assertTarget(url: string, allowPrivate: boolean) {
  const reason = await refusedTargetReason(url, allowPrivate);
  if (reason) throw new ValidationError(`url: ${reason}; webhooks may only call public addresses`, [{ where: 'url', reason }]);
}

/**
 * Subscribes a URL; the response holds the signing secret, shown once.
 * @throws validation (bad URL, private target)
 */
export async function createWebhook(db: Kysely<Database>, ws: Workspace, input: unknown, now: number, allowPrivate: boolean): Promise<Webhook & { secret: string }> {
  const data = parseOrThrow(WebhookInputSchema, input, 'webhook');
  await assertTarget(data.url, allowPrivate);
  const row: WebhookRow = {
    workspace_id: ws.id,
    id: newId('wh'),
    url: data.url,
    description: data.description ?? null,
    secret: newWebhookSecret(),
    events: JSON.stringify([...new Set(data.events)]),
    active: data.active ? 1 : 0,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await insertWebhook(db, row);
  return { ...webhookRowToWebhook(row), secret: row.secret };
}

export async function listWebhooks(db: Kysely<Database>, ws: Workspace): Promise<Webhook[]> {
  return (await listWebhookRows(db, ws.id)).map(webhookRowToWebhook);
}

/** @throws not_found */
export async function findWebhookOrThrow(db: Kysely<Database>, ws: Workspace, id: string): Promise<Webhook> {
  const row = await findWebhookRow(db, ws.id, id);
  if (!row) throw new NotFoundError('webhook', id);
  return webhookRowToWebhook(row);
}

/** @throws not_found, validation, conflict (stale version) */
export async function editWebhook(
  db: Kysely<Database>, ws: Workspace, id: string, patch: unknown, now: number, allowPrivate: boolean, expectedVersion?: number,
): Promise<Webhook> {
  const data = parseOrThrow(WebhookPatchSchema, patch, 'webhook');
  await findWebhookOrThrow(db, ws, id);
  if (data.url) await assertTarget(data.url, allowPrivate);
  const values: Partial<WebhookRow> = { updated_at: now };
  if (data.url !== undefined) values.url = data.url;
  if (data.events !== undefined) values.events = JSON.stringify([...new Set(data.events)]);
  if (data.description !== undefined) values.description = data.description;
  if (data.active !== undefined) values.active = data.active ? 1 : 0;
  const version = expectedVersion ?? data.version;
  const result = await updateWebhookRow(db, ws.id, id, values, version);
  if (Number(result.numUpdatedRows) === 0) throw new ConflictError(`webhook ${id} was changed by someone else (version ${version} is stale)`);
  return findWebhookOrThrow(db, ws, id);
}

/** @throws not_found */
export async function deleteWebhook(db: Kysely<Database>, ws: Workspace, id: string): Promise<Webhook> {
  const hook = await findWebhookOrThrow(db, ws, id);
  await deleteWebhookRow(db, ws.id, id);
  return hook;
}

/** The delivery log of a webhook, newest first. @throws not_found */
export async function listDeliveries(db: Kysely<Database>, ws: Workspace, webhookId: string, limit: number, before?: string): Promise<Delivery[]> {
  await findWebhookOrThrow(db, ws, webhookId);
  return (await listDeliveryRows(db, ws.id, webhookId, limit, before)).map(deliveryRowToDelivery);
}

/** The event types some active webhook of the workspace subscribes to (an empty list is every event). */
export async function subscribedEvents(db: Db, workspaceId: string): Promise<Set<EventType>> {
  const wanted = new Set<EventType>();
  for (const h of await listWebhookRows(db, workspaceId)) {
    if (h.active !== 1) continue;
    const events = readJson<EventType[]>(h.events, []);
    for (const type of events.length === 0 ? EVENT_TYPES : events) wanted.add(type);
  }
  return wanted;
}

/**
 * Records an event for every active webhook of the workspace that subscribes to it. The
 * payload follows Standard Webhooks: {type, timestamp, data}.
 */
export async function emitEvent(db: Db, workspaceId: string, type: EventType, data: unknown, now: number): Promise<number> {
  return emitEvents(db, workspaceId, [{ type, data }], now);
}

/** `emitEvent` for many events at once: one read of the webhooks, batched inserts. */
export async function emitEvents(db: Db, workspaceId: string, events: { type: EventType; data: unknown }[], now: number): Promise<number> {
  if (events.length === 0) return 0;
  const hooks = (await listWebhookRows(db, workspaceId)).filter((h) => h.active === 1);
  const rows: DeliveryRow[] = [];
  for (const { type, data } of events) {
    for (const h of hooks) {
      const subscribed = readJson<string[]>(h.events, []);
      if (subscribed.length > 0 && !subscribed.includes(type)) continue;
      rows.push({
        workspace_id: workspaceId,
        id: idWith('whd'),
        webhook_id: h.id,
        event_type: type,
        payload: JSON.stringify({ type, timestamp: toIso(now), data }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        last_attempt_at: null,
        response_status: null,
        last_error: null,
        created_at: now,
      });
    }
  }
  // Bounded batches: a rescore can change thousands of statuses at once.
  for (let i = 0; i < rows.length; i += 200) await insertDeliveries(db, rows.slice(i, i + 200));
  return rows.length;
}
