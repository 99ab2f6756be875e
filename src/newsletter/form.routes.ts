/**
 * The subscribe form of a list, for members to put on their site: its public address and a
 * plain HTML snippet that posts to it (GET /newsletter/lists/{listId}/form).
 */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { listForm } from './public.service.js';

export const ListFormSchema = z.object({
  list_id: z.string(),
  url: z.string().describe('the public page of the form (GET shows it, POST subscribes)'),
  html: z.string().describe('a form to paste into another site; it posts to `url`'),
});

export function newsletterFormRoutes(app: ApiApp, deps: RouteDeps) {
  app.get('/newsletter/lists/:listId/form', {
    config: { access: 'viewer' },
    schema: {
      tags: ['newsletter'],
      summary: "A list's public subscribe form: its address and an embeddable HTML snippet (double opt-in)",
      params: IdParam('listId'),
      response: { 200: ListFormSchema, ...problems },
    },
  }, async (request) => listForm(deps.db.kysely, callerOf(request).workspace, request.params.listId as string));
}
