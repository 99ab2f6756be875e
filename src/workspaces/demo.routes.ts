/**
 * The demo from the web app (onboarding's "load the demo"): the same generator as `rapport
 * demo`, into a new workspace the signed-in user owns and the session switches to.
 */
import { z } from 'zod';
import { upsertMembership } from '../auth/auth.repo.js';
import { setSessionWorkspace } from '../auth/sessions.service.js';
import { generateDemo, isHistoryByDefault } from '../demo/demo.service.js';
import { AppError } from '../errors.js';
import type { Caller } from '../http/auth.js';
import { problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { findWorkspaceRowBySlug } from './workspaces.repo.js';

const DemoBody = z.strictObject({ contacts: z.number().int().min(1).max(1000).default(200).describe('about 50 interactions each') });
const DemoSchema = z.object({
  workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  contacts: z.number(),
  interactions: z.number(),
  seconds: z.number(),
});

export function demoRoutes(app: ApiApp, deps: RouteDeps) {
  const db = deps.db.kysely;
  // A demo writes thousands of rows, like a large import: one at a time per process.
  let isGenerating = false;
  app.post('/demo', {
    config: { access: 'session' },
    schema: { tags: ['workspaces'], summary: 'Create a demo workspace, owned by the signed-in user, and switch the session to it', body: DemoBody, response: { 201: DemoSchema, ...problems } },
  }, async (request, reply) => {
    if (isGenerating) throw new AppError('rate_limited', 'a demo workspace is being created already: try again in a moment');
    isGenerating = true;
    try {
      const caller = request.caller as Caller;
      let slug = 'demo';
      for (let n = 2; await findWorkspaceRowBySlug(db, slug); n++) slug = `demo-${n}`;
      const now = deps.now();
      const { workspace, contacts, interactions, seconds } = await generateDemo(deps.db, { contacts: request.body.contacts, seed: 1, now, slug, history: isHistoryByDefault(request.body.contacts) });
      await upsertMembership(db, { workspace_id: workspace.id, user_id: caller.user!.id, role: 'owner', created_at: now });
      await setSessionWorkspace(db, caller.sessionId!, workspace.id);
      return reply.code(201).send({ workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name }, contacts, interactions, seconds });
    } finally {
      isGenerating = false;
    }
  });
}
