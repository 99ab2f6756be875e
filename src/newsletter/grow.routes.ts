/** The funnel report and drip sequences under /newsletter. Thin: each handler calls one service. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { addDripStep, createDrip, findDripOrThrow, listDrips } from './drips.service.js';
import { getFunnel } from './funnel.service.js';
import { DripCreateSchema, DripSchema, DripStepCreateSchema, FunnelQuerySchema, FunnelSchema } from './grow.schema.js';

const tags = ['newsletter'];

export function newsletterGrowRoutes(app: ApiApp, deps: RouteDeps) {
  const { db } = deps;
  app.get('/newsletter/funnel', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Subscribers → engaged (opened or clicked in 90 days) → replied → client, per list and per month of subscription',
      querystring: FunnelQuerySchema,
      response: { 200: FunnelSchema, ...problems },
    },
  }, async (request) => getFunnel(db, callerOf(request).workspace, deps.now(), request.query.list));

  app.get('/newsletter/drips', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Drip sequences with their steps and counts', response: { 200: z.array(DripSchema), ...problems } },
  }, async (request) => listDrips(db.kysely, callerOf(request).workspace));

  app.post('/newsletter/drips', {
    config: { access: 'member', audit: { action: 'newsletter.drip.create', target: 'drip' } },
    schema: { tags, summary: 'Create a drip on a list: subscribers who confirm from now on are enrolled', body: DripCreateSchema, response: { 201: DripSchema, ...problems } },
  }, async (request, reply) => reply.code(201).send(await createDrip(db.kysely, callerOf(request).workspace, request.body, deps.now())));

  app.get('/newsletter/drips/:dripId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'A drip by id or name', params: IdParam('dripId'), response: { 200: DripSchema, ...problems } },
  }, async (request) => findDripOrThrow(db.kysely, callerOf(request).workspace, request.params.dripId as string));

  app.post('/newsletter/drips/:dripId/steps', {
    config: { access: 'member', audit: { action: 'newsletter.drip.step', target: 'drip', param: 'dripId' } },
    schema: {
      tags,
      summary: 'Append a step sent after_days days after the subscriber confirmed (Markdown with subject front matter)',
      params: IdParam('dripId'),
      body: DripStepCreateSchema,
      response: { 201: DripSchema, ...problems },
    },
  }, async (request, reply) =>
    reply.code(201).send(await addDripStep(db.kysely, callerOf(request).workspace, request.params.dripId as string, request.body, deps.now())));
}
