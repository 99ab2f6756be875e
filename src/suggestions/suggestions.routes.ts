/** Today (SPEC §6): the ranked suggestions, and done / snooze / dismiss. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { InteractionSchema } from '../interactions/interactions.openapi.js';
import { INTERACTION_KINDS } from '../interactions/interactions.schema.js';
import { InstantText, parseInstant } from '../shared/time.js';
import { emitEvent } from '../webhooks/webhooks.service.js';
import { KIND_BEHAVIOR, SUGGESTION_KINDS, SUGGESTION_STATUSES, type Suggestion } from './suggestions.schema.js';
import { completeSuggestion, dismissSuggestion, findSuggestionOrThrow, listToday, snoozeSuggestion } from './suggestions.service.js';

export const SuggestionSchema: z.ZodType<Suggestion> = z.object({
  id: z.string(),
  kind: z.enum(SUGGESTION_KINDS),
  behavior: z.enum([...new Set(Object.values(KIND_BEHAVIOR))] as [Suggestion['behavior'], ...Suggestion['behavior'][]]),
  contact: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }),
  reason: z.string(),
  priority: z.number(),
  due: z.string(),
  draft: z.string().optional(),
  status: z.enum(SUGGESTION_STATUSES),
  until: z.string().optional(),
  cause: z.string(),
});

const TodayQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  owner_id: z.string().max(200).optional(),
  contact_id: z.string().max(200).optional(),
});
const DoneBody = z.strictObject({ note: z.string().max(20_000).optional(), kind: z.enum(INTERACTION_KINDS).optional() }).optional();
const SnoozeBody = z.strictObject({ until: InstantText });
const Param = IdParam('suggestionId');

async function deps() {
  const { loadSuggestionDeps } = await import('./suggestions.deps.js');
  return loadSuggestionDeps();
}

export function suggestionsRoutes(app: ApiApp, routeDeps: RouteDeps) {
  const tags = ['today'];
  const db = routeDeps.db.kysely;
  const now = routeDeps.now;
  const audit = (action: string) => ({ action, target: 'suggestion', param: 'suggestionId' });

  app.get('/today', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'The next best actions, most important first', querystring: TodayQuery, response: { 200: z.array(SuggestionSchema), ...problems } },
  }, async (request) => listToday(db, callerOf(request).workspace, now(), request.query, deps));

  app.get('/today/:suggestionId', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'One suggestion', params: Param, response: { 200: SuggestionSchema, ...problems } },
  }, async (request) => findSuggestionOrThrow(db, callerOf(request).workspace, request.params.suggestionId as string, now()));

  app.post('/today/:suggestionId/done', {
    config: { access: 'member', audit: audit('suggestion.done') },
    schema: { tags, summary: 'Mark done and log the interaction that did it', params: Param, body: DoneBody, response: { 200: SuggestionSchema.and(z.object({ interaction: InteractionSchema })), ...problems } },
  }, async (request) => {
    const { workspace } = callerOf(request);
    const text = await import('../text/index.js');
    const done = await completeSuggestion(db, workspace, request.params.suggestionId as string, now(), { ...request.body, detectTags: (t) => text.detectTags(t) });
    await emitEvent(db, workspace.id, 'suggestion.updated', done, now());
    return done;
  });

  app.post('/today/:suggestionId/snooze', {
    config: { access: 'member', audit: audit('suggestion.snooze') },
    schema: { tags, summary: 'Put away until a time', params: Param, body: SnoozeBody, response: { 200: SuggestionSchema, ...problems } },
  }, async (request) => {
    const { workspace } = callerOf(request);
    const until = parseInstant(request.body.until, 'until', workspace.settings.time_zone);
    const s = await snoozeSuggestion(db, workspace, request.params.suggestionId as string, until, now());
    await emitEvent(db, workspace.id, 'suggestion.updated', s, now());
    return s;
  });

  app.post('/today/:suggestionId/dismiss', {
    config: { access: 'member', audit: audit('suggestion.dismiss') },
    schema: { tags, summary: 'Dismiss: the same cause does not come back', params: Param, response: { 200: SuggestionSchema, ...problems } },
  }, async (request) => {
    const { workspace } = callerOf(request);
    const s = await dismissSuggestion(db, workspace, request.params.suggestionId as string, now());
    await emitEvent(db, workspace.id, 'suggestion.updated', s, now());
    return s;
  });
}
