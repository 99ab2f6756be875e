/**
 * Workspaces and their settings. Settings carry an ETag (a hash of their content): a PATCH
 * with a stale If-Match answers 409 instead of overwriting someone else's change.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { upsertMembership } from '../auth/auth.repo.js';
import { listMemberships } from '../auth/users.service.js';
import { ConflictError } from '../errors.js';
import { callerOf, type Caller } from '../http/auth.js';
import { problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { ROLES, Slug, WorkspaceSettingsSchema, type WorkspaceSettings } from './workspaces.schema.js';
import { changeOwnAddresses } from '../import/mail/rederive.service.js';
import { changesOwnAddresses } from './own-addresses.js';
import { createWorkspace, updateWorkspaceSettings } from './workspaces.service.js';

const WorkspaceSchema = z.object({ id: z.string(), slug: z.string(), name: z.string(), settings: WorkspaceSettingsSchema, created_at: z.string() });

/** Every settings key optional and without its default, so that a PATCH changes only what it names. */
export const SettingsPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(WorkspaceSettingsSchema.shape).map(([key, value]) => [key, (value instanceof z.ZodDefault ? value.unwrap() : value).optional()]),
  ) as unknown as { [K in keyof WorkspaceSettings]: z.ZodOptional<z.ZodType<WorkspaceSettings[K]>> },
);

const CreateWorkspaceSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: Slug.optional(),
  me: z.array(z.string().min(1).max(320)).min(1).max(100),
  time_zone: z.string().max(100).optional(),
  include_lists: z.boolean().optional(),
});

function settingsEtag(settings: WorkspaceSettings): string {
  return `"${createHash('sha256').update(JSON.stringify(settings)).digest('base64url').slice(0, 16)}"`;
}

export function workspacesRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['workspaces'];
  const db = deps.db.kysely;

  app.get('/workspaces', {
    config: { access: 'session' },
    schema: { tags, summary: 'Workspaces the signed-in user belongs to', response: { 200: z.array(z.object({ workspace_id: z.string(), slug: z.string(), name: z.string(), role: z.enum(ROLES) })), ...problems } },
  }, async (request) => listMemberships(db, (request.caller as Caller).user!.id));

  app.post('/workspaces', {
    config: { access: 'session' },
    schema: { tags, summary: 'Create a workspace; the signed-in user becomes its owner', body: CreateWorkspaceSchema, response: { 201: WorkspaceSchema, ...problems } },
  }, async (request, reply) => {
    const user = (request.caller as Caller).user!;
    const ws = await createWorkspace(db, request.body, deps.now());
    await upsertMembership(db, { workspace_id: ws.id, user_id: user.id, role: 'owner', created_at: deps.now() });
    return reply.code(201).send(ws);
  });

  app.get('/workspace', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'The workspace of this caller', response: { 200: WorkspaceSchema, ...problems } },
  }, async (request) => callerOf(request).workspace);

  app.get('/settings', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Workspace settings (ETag for If-Match)', response: { 200: WorkspaceSettingsSchema, ...problems } },
  }, async (request, reply) => {
    const { settings } = callerOf(request).workspace;
    reply.header('etag', settingsEtag(settings));
    return settings;
  });

  app.patch('/settings', {
    config: { access: 'admin', audit: { action: 'settings.update', target: 'workspace' } },
    schema: { tags, summary: 'Change some settings; send If-Match to refuse stale edits', body: SettingsPatchSchema, response: { 200: WorkspaceSettingsSchema, ...problems } },
  }, async (request, reply) => {
    const { workspace } = callerOf(request);
    const ifMatch = request.headers['if-match'];
    if (ifMatch && ifMatch !== '*' && ifMatch !== settingsEtag(workspace.settings)) throw new ConflictError('settings were changed by someone else: reload them and retry');
    const patch = request.body as Partial<WorkspaceSettings>;
    const updated = changesOwnAddresses(workspace.settings, patch)
      ? (await changeOwnAddresses(deps.db, workspace, patch, deps.now())).workspace
      : await updateWorkspaceSettings(db, workspace, patch, deps.now());
    reply.header('etag', settingsEtag(updated.settings));
    return updated.settings;
  });
}
