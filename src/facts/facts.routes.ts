/** Facts about a contact: listed and added under the contact, edited and deleted by id. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { FACT_KINDS, FactInputSchema, FactPatchSchema, type Fact } from './facts.schema.js';
import { addFact, deleteFact, editFact, listFacts } from './facts.service.js';

export const FactSchema: z.ZodType<Fact> = z.object({
  id: z.string(),
  contact_id: z.string(),
  kind: z.enum(FACT_KINDS),
  text: z.string(),
  date: z.string().nullable(),
  yearly: z.boolean(),
  origin: z.string(),
  created_at: z.string(),
});

export function factsRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['facts'];
  const db = deps.db.kysely;

  app.get('/contacts/:contactId/facts', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Facts known about a contact', params: IdParam('contactId'), querystring: z.object({ kind: z.enum(FACT_KINDS).optional() }), response: { 200: z.array(FactSchema), ...problems } },
  }, async (request) => listFacts(db, callerOf(request).workspace, { contact: request.params.contactId as string, kind: request.query.kind }));

  app.post('/contacts/:contactId/facts', {
    config: { access: 'member', audit: { action: 'fact.create', target: 'fact' } },
    schema: { tags, summary: 'Record a fact about a contact', params: IdParam('contactId'), body: FactInputSchema, response: { 201: FactSchema, ...problems } },
  }, async (request, reply) => {
    const fact = await addFact(db, callerOf(request).workspace, request.params.contactId as string, request.body, deps.now());
    return reply.code(201).send(fact);
  });

  app.patch('/facts/:factId', {
    config: { access: 'member', audit: { action: 'fact.update', target: 'fact', param: 'factId' } },
    schema: { tags, summary: 'Edit a fact', params: IdParam('factId'), body: FactPatchSchema, response: { 200: FactSchema, ...problems } },
  }, async (request) => editFact(db, callerOf(request).workspace, request.params.factId as string, request.body));

  app.delete('/facts/:factId', {
    config: { access: 'member', audit: { action: 'fact.delete', target: 'fact', param: 'factId' } },
    schema: { tags, summary: 'Delete a fact', params: IdParam('factId'), response: { 200: FactSchema, ...problems } },
  }, async (request) => deleteFact(db, callerOf(request).workspace, request.params.factId as string));
}
