/** Interactions: log one by hand (a call, a meeting, a note…), list a contact's, read one, read a thread. */
import { z } from 'zod';
import { resolveContactId } from '../contacts/contacts.service.js';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { boundedList, EpochMs, MAX_REF_LENGTH } from '../shared/limits.js';
import { InstantText, parseInstant } from '../shared/time.js';
import { InteractionSchema, ThreadSchema } from './interactions.openapi.js';
import { LogInteractionSchema } from './interactions.schema.js';
import { findInteractionOrThrow, findReplyTargetOrThrow, findThreadOrThrow, listTimeline, logInteraction } from './interactions.service.js';

const LogBody = LogInteractionSchema.extend({
  contact_ids: boundedList(z.string().min(1).max(MAX_REF_LENGTH)).min(1).describe('contact ids or addresses'),
  at: z.union([EpochMs, InstantText]).optional().describe('ISO 8601 or epoch ms; default now'),
  source: z.string().max(200).optional(),
  reply_to_thread: z.string().trim().min(1).max(200).optional().describe('an email sent outside Rapport, filed as the reply in this thread: its wait ends'),
});
const ListQuery = z.object({
  contact: z.string().min(1).max(320).describe('contact id or address'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: InstantText.optional(),
});

export function interactionsRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['interactions'];
  const db = deps.db.kysely;

  app.post('/interactions', {
    config: { access: 'member', audit: { action: 'interaction.create', target: 'interaction' } },
    schema: { tags, summary: 'Log an interaction with one or more contacts', body: LogBody, response: { 201: InteractionSchema, ...problems } },
  }, async (request, reply) => {
    const { workspace, actorUserId } = callerOf(request);
    const body = request.body;
    const contactIds = [];
    for (const ref of body.contact_ids) contactIds.push(await resolveContactId(db, workspace, ref));
    const at = body.at === undefined ? deps.now() : typeof body.at === 'number' ? body.at : parseInstant(body.at, 'at', workspace.settings.time_zone);
    const text = await import('../text/index.js');
    const { reply_to_thread: thread, ...input } = body;
    const answers = thread ? await findReplyTargetOrThrow(db, workspace, thread, input.kind, at) : null;
    const interaction = await logInteraction(db, workspace, { ...input, contact_ids: contactIds, at, source: body.source ?? 'api' }, deps.now(), {
      reply: answers,
      createdBy: actorUserId,
      detectTags: (t) => text.detectTags(t),
      sentiment: (t) => text.sentimentOf(t),
    });
    return reply.code(201).send(interaction);
  });

  app.get('/interactions', {
    config: { access: 'viewer' },
    schema: { tags, summary: "A contact's interactions, newest first", querystring: ListQuery, response: { 200: z.array(InteractionSchema), ...problems } },
  }, async (request) => {
    const { workspace } = callerOf(request);
    const id = await resolveContactId(db, workspace, request.query.contact);
    const before = request.query.before ? parseInstant(request.query.before, 'query.before') : undefined;
    return listTimeline(db, workspace, id, request.query.limit, before);
  });

  app.get('/interactions/:interactionId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'An interaction', params: IdParam('interactionId'), response: { 200: InteractionSchema, ...problems } },
  }, async (request) => findInteractionOrThrow(db, callerOf(request).workspace, request.params.interactionId as string));

  app.get('/threads/:threadId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'A thread with its interactions, oldest first (an unthreaded interaction is a thread of its own)', params: IdParam('threadId'), response: { 200: ThreadSchema, ...problems } },
  }, async (request) => findThreadOrThrow(db, callerOf(request).workspace, request.params.threadId as string));
}
