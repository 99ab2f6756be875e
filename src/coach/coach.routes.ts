/** The draft coach (SPEC §6) over HTTP: what a reply being written shows and misses. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { TAGS } from '../interactions/interactions.schema.js';
import { coachDraftFor } from './coach.service.js';

const CoachBody = z.strictObject({ draft: z.string().trim().min(1).max(20_000).describe('the reply being written') });
const CoachReportSchema = z.object({
  contact: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }),
  shows: z.array(z.enum(TAGS)).describe('behaviours the draft shows'),
  missing: z.array(z.enum(TAGS)).describe('behaviours this relationship has been missing that the draft could add'),
  advice: z.array(z.string()),
});

export function coachRoutes(app: ApiApp, deps: RouteDeps) {
  // A POST because a draft can be long and is private; it changes nothing.
  app.post('/contacts/:contactId/coach', {
    config: { access: 'member' },
    schema: { tags: ['coach'], summary: 'Coach a reply to a contact: behaviours shown, missing, and advice', params: IdParam('contactId'), body: CoachBody, response: { 200: CoachReportSchema, ...problems } },
  }, async (request) => coachDraftFor(deps.db.kysely, callerOf(request).workspace, request.params.contactId as string, request.body.draft, deps.now()));
}
