/** Webhook subscriptions (admins) and their delivery log. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { decodeCursor, encodeCursor, etagOf, PageQuerySchema, sendPage, versionFromIfMatch } from '../http/pagination.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { DeliverySchema, WebhookInputSchema, WebhookPatchSchema, WebhookSchema } from './webhooks.schema.js';
import { createWebhook, deleteWebhook, editWebhook, findWebhookOrThrow, listDeliveries, listWebhooks } from './webhooks.service.js';

const HookParam = IdParam('webhookId');

export function webhooksRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['webhooks'];
  const db = deps.db.kysely;
  const admin = 'admin' as const;

  app.get('/webhooks', {
    config: { access: admin },
    schema: { tags, summary: 'Webhook subscriptions', response: { 200: z.array(WebhookSchema), ...problems } },
  }, async (request) => listWebhooks(db, callerOf(request).workspace));

  app.post('/webhooks', {
    config: { access: admin, audit: { action: 'webhook.create', target: 'webhook' } },
    schema: { tags, summary: 'Subscribe a public URL; the signing secret is in this answer only', body: WebhookInputSchema, response: { 201: WebhookSchema, ...problems } },
  }, async (request, reply) => {
    const hook = await createWebhook(db, callerOf(request).workspace, request.body, deps.now(), deps.allowPrivateWebhooks);
    return reply.code(201).header('etag', etagOf(hook.version)).send(hook);
  });

  app.get('/webhooks/:webhookId', {
    config: { access: admin },
    schema: { tags, summary: 'A webhook (ETag = version)', params: HookParam, response: { 200: WebhookSchema, ...problems } },
  }, async (request, reply) => {
    const hook = await findWebhookOrThrow(db, callerOf(request).workspace, request.params.webhookId as string);
    reply.header('etag', etagOf(hook.version));
    return hook;
  });

  app.patch('/webhooks/:webhookId', {
    config: { access: admin, audit: { action: 'webhook.update', target: 'webhook', param: 'webhookId' } },
    schema: { tags, summary: 'Edit a webhook; a stale If-Match or version answers 409', params: HookParam, body: WebhookPatchSchema, response: { 200: WebhookSchema, ...problems } },
  }, async (request, reply) => {
    const hook = await editWebhook(db, callerOf(request).workspace, request.params.webhookId as string, request.body, deps.now(), deps.allowPrivateWebhooks, versionFromIfMatch(request));
    reply.header('etag', etagOf(hook.version));
    return hook;
  });

  app.delete('/webhooks/:webhookId', {
    config: { access: admin, audit: { action: 'webhook.delete', target: 'webhook', param: 'webhookId' } },
    schema: { tags, summary: 'Delete a webhook and its delivery log', params: HookParam, response: { 200: WebhookSchema, ...problems } },
  }, async (request) => deleteWebhook(db, callerOf(request).workspace, request.params.webhookId as string));

  app.get('/webhooks/:webhookId/deliveries', {
    config: { access: admin },
    schema: { tags, summary: 'Delivery log, newest first', params: HookParam, querystring: PageQuerySchema, response: { 200: z.array(DeliverySchema), ...problems } },
  }, async (request, reply) => {
    const { limit, cursor } = request.query;
    const rows = await listDeliveries(db, callerOf(request).workspace, request.params.webhookId as string, limit + 1, cursor ? decodeCursor(cursor) : undefined);
    const items = rows.slice(0, limit);
    return sendPage(request, reply, { items, next: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null });
  });
}
