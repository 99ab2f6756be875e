/** Today (SPEC §6): the ranked suggestions, and done / snooze / dismiss. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { InteractionSchema } from '../interactions/interactions.openapi.js';
import { INTERACTION_KINDS } from '../interactions/interactions.schema.js';
import { InstantText, parseInstant } from '../shared/time.js';
import { emitEvent } from '../webhooks/webhooks.service.js';
import { KIND_BEHAVIOR, SUGGESTION_KINDS, SUGGESTION_STATUSES, type Suggestion } from './suggestions.schema.js';
import { countOpenSuggestions, getTodayPlan } from './plan.service.js';
import { completeSuggestion, dismissSuggestion, findSuggestionOrThrow, listToday, snoozeSuggestion } from './suggestions.service.js';
import { undoSuggestion } from './undo.service.js';

export const SuggestionSchema: z.ZodType<Suggestion> = z.object({
  id: z.string(),
  kind: z.enum(SUGGESTION_KINDS),
  behavior: z.enum([...new Set(Object.values(KIND_BEHAVIOR))] as [Suggestion['behavior'], ...Suggestion['behavior'][]]),
  contact: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }),
  reason: z.string(),
  priority: z.number().int().min(0).max(100).describe('0-100, higher first'),
  due: z.string(),
  draft: z.string().optional(),
  status: z.enum(SUGGESTION_STATUSES),
  until: z.string().optional(),
  cause: z.string(),
  why: z.string().optional().describe("Only in today's plan: why it is in the plan"),
  new: z.boolean().optional().describe("Only in today's plan: true when it joined the plan after the plan was made"),
});

const TodayQuery = z.object({
  all: z
    .enum(['1', 'true', '0', 'false'])
    .optional()
    .describe("1: every open suggestion, ranked, instead of today's plan"),
  limit: z.coerce.number().int().min(1).max(100_000).optional().describe("at most this many (default: the whole plan; with all=1, everything)"),
  owner_id: z.string().max(200).optional(),
  contact_id: z.string().max(200).optional(),
});
const UndoBody = z.strictObject({ interaction_id: z.string().min(1).max(200).optional().describe('for a done suggestion: the id of the interaction that done logged') }).optional();
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
    schema: {
      tags,
      summary: "Today's plan: the few actions that matter most today (all=1: every open suggestion, ranked)",
      description:
        "By default the day's plan (the workspace's today_plan_size items, kept for the day; `why` says why each is in it and `new` marks items added since it was made). " +
        'With all=1 (or contact_id), every open suggestion, best first. X-Total-Count is the number of open suggestions either way.',
      querystring: TodayQuery,
      response: { 200: z.array(SuggestionSchema), ...problems },
    },
  }, async (request, reply) => {
    const { workspace } = callerOf(request);
    const { all, limit, owner_id, contact_id } = request.query;
    if (all === '1' || all === 'true' || contact_id) {
      const rows = await listToday(db, workspace, now(), { limit: limit ?? 100_000, owner_id, contact_id }, deps);
      const total = contact_id || limit === undefined ? rows.length : await countOpenSuggestions(db, workspace, now(), owner_id);
      reply.header('x-total-count', String(total));
      return rows;
    }
    const plan = await getTodayPlan(db, workspace, now(), { owner_id, limit }, deps);
    reply.header('x-total-count', String(plan.total));
    return plan.items;
  });

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

  app.post('/today/:suggestionId/undo', {
    config: { access: 'member', audit: audit('suggestion.undo') },
    schema: {
      tags,
      summary: 'Undo done, snooze or dismiss: open again (done: the logged interaction is deleted, a met commitment reopened)',
      params: Param,
      body: UndoBody,
      response: { 200: SuggestionSchema, ...problems },
    },
  }, async (request) => {
    const { workspace } = callerOf(request);
    const s = await undoSuggestion(db, workspace, request.params.suggestionId as string, now(), { interactionId: request.body?.interaction_id });
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
