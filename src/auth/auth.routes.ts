/** Sign-up of the first owner, login, logout (here or everywhere), session and workspace choice. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, isAppError, NotFoundError } from '../errors.js';
import { clearSessionCookies, setSessionCookies, type Caller } from '../http/auth.js';
import { problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import type { Db } from '../db/database.js';
import { AcceptInvitationSchema, LoginSchema, SessionInfoSchema, SignupSchema, SwitchWorkspaceSchema, type SessionInfo, type User } from './auth.schema.js';
import { acceptInvitation } from './members.service.js';
import { createSession, csrfTokenFor, endAllSessions, endSession, SESSION_TTL_MS, setSessionWorkspace } from './sessions.service.js';
import { authenticatePassword, listMemberships, signUpFirstOwner } from './users.service.js';

async function sessionInfo(db: Db, user: User, workspaceId: string | null, secret: string | null): Promise<SessionInfo> {
  const memberships = await listMemberships(db.kysely, user.id);
  const current = memberships.find((m) => m.workspace_id === workspaceId) ?? null;
  return {
    user,
    workspace: current ? { id: current.workspace_id, slug: current.slug, name: current.name } : null,
    role: current?.role ?? null,
    memberships,
    csrf_token: secret ? csrfTokenFor(secret) : null,
  };
}

/** Starts a session for the user in the wanted (or first) workspace and sets the cookies. */
async function startSession(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply, user: User, wanted?: string | null) {
  const memberships = await listMemberships(deps.db.kysely, user.id);
  const chosen = wanted ? memberships.find((m) => m.slug === wanted || m.workspace_id === wanted) : memberships[0];
  if (wanted && !chosen) throw new NotFoundError('workspace', wanted);
  const { secret } = await createSession(deps.db.kysely, user.id, chosen?.workspace_id ?? null, deps.now(), request.headers['user-agent'] ?? null);
  setSessionCookies(reply, secret, csrfTokenFor(secret), { secure: deps.secureCookies, maxAgeMs: SESSION_TTL_MS });
  return sessionInfo(deps.db, user, chosen?.workspace_id ?? null, secret);
}

export function authRoutes(app: ApiApp, deps: RouteDeps) {
  const limited = { access: 'public' as const, rateLimit: { max: deps.loginRateLimit, timeWindow: 60_000 } };
  const tags = ['auth'];
  const sessionOnly = { access: 'session' as const };

  app.post('/auth/signup', {
    config: limited,
    schema: { tags, summary: 'Sign up the first owner (only while no account exists)', security: [], body: SignupSchema, response: { 201: SessionInfoSchema, ...problems } },
  }, async (request, reply) => {
    const { user, workspace } = await signUpFirstOwner(deps.db.kysely, request.body, deps.now());
    return reply.code(201).send(await startSession(deps, request, reply, user, workspace?.id ?? null));
  });

  app.post('/auth/login', {
    config: limited,
    schema: { tags, summary: 'Password login: sets the session cookie', security: [], body: LoginSchema, response: { 200: SessionInfoSchema, ...problems } },
  }, async (request, reply) => {
    const account = request.body.email;
    const wait = await deps.accountLimiter.retryAfter(account, deps.now());
    if (wait > 0) {
      reply.header('retry-after', wait);
      throw new AppError('rate_limited', `too many failed sign-ins for ${account}: try again in ${Math.ceil(wait / 60)} min, or reset the password with rapport user create`);
    }
    const { user, workspace } = await authenticatePassword(deps.db.kysely, request.body).catch(async (error: unknown) => {
      if (isAppError(error) && error.code === 'unauthorized') await deps.accountLimiter.recordFailure(account, deps.now());
      throw error;
    });
    await deps.accountLimiter.clear(account);
    return startSession(deps, request, reply, user, workspace);
  });

  app.post('/auth/invitations/accept', {
    config: limited,
    schema: { tags, summary: 'Accept an invitation: creates the account and signs in', security: [], body: AcceptInvitationSchema, response: { 200: SessionInfoSchema, ...problems } },
  }, async (request, reply) => {
    const { user, workspaceId } = await acceptInvitation(deps.db.kysely, request.body, deps.now());
    return startSession(deps, request, reply, user, workspaceId);
  });

  app.get('/auth/session', {
    config: sessionOnly,
    schema: { tags, summary: 'The signed-in user, workspace, role and CSRF token', response: { 200: SessionInfoSchema, ...problems } },
  }, async (request) => {
    const caller = request.caller as Caller;
    return sessionInfo(deps.db, caller.user!, caller.workspace?.id ?? null, caller.sessionSecret);
  });

  app.post('/auth/session/workspace', {
    config: sessionOnly,
    schema: { tags, summary: 'Choose the workspace this session works on', body: SwitchWorkspaceSchema, response: { 200: SessionInfoSchema, ...problems } },
  }, async (request) => {
    const caller = request.caller as Caller;
    const membership = (await listMemberships(deps.db.kysely, caller.user!.id)).find((m) => m.slug === request.body.workspace);
    if (!membership) throw new NotFoundError('workspace', request.body.workspace);
    await setSessionWorkspace(deps.db.kysely, caller.sessionId!, membership.workspace_id);
    return sessionInfo(deps.db, caller.user!, membership.workspace_id, caller.sessionSecret);
  });

  app.post('/auth/logout', {
    config: sessionOnly,
    schema: { tags, summary: 'End this session', response: { 204: z.null(), ...problems } },
  }, async (request, reply) => {
    await endSession(deps.db.kysely, (request.caller as Caller).sessionId!, deps.now());
    clearSessionCookies(reply);
    return reply.code(204).send(null);
  });

  app.post('/auth/logout-all', {
    config: sessionOnly,
    schema: { tags, summary: 'End every session of this user (log out everywhere)', response: { 204: z.null(), ...problems } },
  }, async (request, reply) => {
    await endAllSessions(deps.db.kysely, (request.caller as Caller).user!.id, deps.now());
    clearSessionCookies(reply);
    return reply.code(204).send(null);
  });
}
