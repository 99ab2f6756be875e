/** Knowledge items worth sharing, and the record of whom they were shared with. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { KnowledgeInputSchema, KnowledgePatchSchema, type KnowledgeItem } from './knowledge.schema.js';
import { addKnowledge, deleteKnowledge, editKnowledge, findKnowledgeOrThrow, listKnowledge, shareKnowledge } from './knowledge.service.js';

export const KnowledgeItemSchema: z.ZodType<KnowledgeItem> = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  topics: z.array(z.string()),
  body: z.string().nullable(),
  created_at: z.string(),
  shared_with: z.array(z.object({ contact_id: z.string(), at: z.string() })),
});

const Param = IdParam('knowledgeId');
const ShareBody = z.strictObject({ contact: z.string().min(1).max(320).describe('contact id or address'), interaction_id: z.string().max(200).nullable().optional() });

export function knowledgeRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['knowledge'];
  const db = deps.db.kysely;

  app.get('/knowledge', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Knowledge items, optionally of one topic', querystring: z.object({ topic: z.string().max(80).optional() }), response: { 200: z.array(KnowledgeItemSchema), ...problems } },
  }, async (request) => listKnowledge(db, callerOf(request).workspace, request.query));

  app.post('/knowledge', {
    config: { access: 'member', audit: { action: 'knowledge.create', target: 'knowledge' } },
    schema: { tags, summary: 'Add a knowledge item', body: KnowledgeInputSchema, response: { 201: KnowledgeItemSchema, ...problems } },
  }, async (request, reply) => reply.code(201).send(await addKnowledge(db, callerOf(request).workspace, request.body, deps.now())));

  app.get('/knowledge/:knowledgeId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'A knowledge item', params: Param, response: { 200: KnowledgeItemSchema, ...problems } },
  }, async (request) => findKnowledgeOrThrow(db, callerOf(request).workspace, request.params.knowledgeId as string));

  app.patch('/knowledge/:knowledgeId', {
    config: { access: 'member', audit: { action: 'knowledge.update', target: 'knowledge', param: 'knowledgeId' } },
    schema: { tags, summary: 'Edit a knowledge item', params: Param, body: KnowledgePatchSchema, response: { 200: KnowledgeItemSchema, ...problems } },
  }, async (request) => editKnowledge(db, callerOf(request).workspace, request.params.knowledgeId as string, request.body));

  app.delete('/knowledge/:knowledgeId', {
    config: { access: 'member', audit: { action: 'knowledge.delete', target: 'knowledge', param: 'knowledgeId' } },
    schema: { tags, summary: 'Delete a knowledge item', params: Param, response: { 200: KnowledgeItemSchema, ...problems } },
  }, async (request) => deleteKnowledge(db, callerOf(request).workspace, request.params.knowledgeId as string));

  app.post('/knowledge/:knowledgeId/shares', {
    config: { access: 'member', audit: { action: 'knowledge.share', target: 'knowledge', param: 'knowledgeId' } },
    schema: { tags, summary: 'Record that the item was shared with a contact', params: Param, body: ShareBody, response: { 200: KnowledgeItemSchema, ...problems } },
  }, async (request) => shareKnowledge(db, callerOf(request).workspace, request.params.knowledgeId as string, request.body.contact, deps.now(), request.body.interaction_id ?? null));
}
