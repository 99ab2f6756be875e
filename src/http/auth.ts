/**
 * Who is calling: a bearer API token (scoped to its workspace) or a session cookie (the
 * user's chosen workspace, or the X-Rapport-Workspace header). Runs before the body is read,
 * so an unauthenticated or under-privileged call is refused before its input is looked at:
 * 401 without credentials, 403 for a role too weak, 404 for a workspace the user is not in.
 * Cookie-authenticated writes must echo the CSRF token in X-CSRF-Token.
 */
import type {} from '@fastify/cookie';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';

/**
 * The identity types a caller carries. This plumbing knows no domain: the composition root
 * fills them in by declaration merging (src/app/caller-types.ts) with the domains' User,
 * Workspace and Role, as Fastify's own request type is extended.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging.
export interface CallerTypes {}
type User = CallerTypes extends { user: infer T } ? T : { id: string; email: string };
type Workspace = CallerTypes extends { workspace: infer T } ? T : { id: string };
type Role = CallerTypes extends { role: infer T } ? T : string;

/** A valid API token: the workspace it is scoped to and the role it acts with. */
export interface TokenIdentity {
  workspace: Workspace;
  role: Role;
  tokenId: string;
  createdBy: string | null;
}

/** A live session: its user, and the secret the client holds after this request (a new one when it rotated). */
export interface SessionIdentity {
  user: User;
  userId: string;
  sessionId: string;
  /** The workspace the user chose last, if any. */
  workspaceId: string | null;
  secret: string;
  rotated: boolean;
}

/** What the hook asks the domains, passed in by the composition root. */
export interface AuthLookups {
  /** The token's identity; null when it is unknown or revoked. */
  findToken(token: string, now: number): Promise<TokenIdentity | null>;
  /** The session of a cookie secret; null when it ended. May rotate the secret. */
  findSession(secret: string, now: number): Promise<SessionIdentity | null>;
  /** The workspace named by slug or id and the user's role there; null when the user is not a member. */
  findWorkspaceRole(userId: string, ref: string): Promise<{ workspace: Workspace; role: Role } | null>;
  hasRole(actual: Role, required: Role): boolean;
  csrfTokenFor(secret: string): string;
  isCsrfTokenValid(secret: string, sent: string | undefined): boolean;
}

/** public: anyone; session: a signed-in browser; any: any credential; a role: at least that role in the workspace. */
export type Access = 'public' | 'session' | 'any' | Role;

export interface Caller {
  via: 'session' | 'token';
  user: User | null;
  workspace: Workspace | null;
  role: Role | null;
  tokenId: string | null;
  /** The user the call acts for: the signed-in user, or the creator of the token. */
  actorUserId: string | null;
  sessionId: string | null;
  sessionSecret: string | null;
}

export interface WorkspaceCaller extends Caller {
  workspace: Workspace;
  role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Audit entry written when the route succeeds: action and the param naming the target. */
    audit?: { action: string; target: string; param?: string };
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export const SESSION_COOKIE = 'rapport_session';
export const CSRF_COOKIE = 'rapport_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const WORKSPACE_HEADER = 'x-rapport-workspace';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthOptions {
  now: () => number;
  /** How long a session cookie lives. */
  sessionTtlMs: number;
  secureCookies: boolean;
  /** Per token per minute. */
  tokenRateLimit: number;
  /** Failed credential attempts per client address per minute. */
  failedAuthLimit: number;
}

/** The caller of a route whose access is a role: never null there. */
export function callerOf(request: FastifyRequest): WorkspaceCaller {
  const caller = request.caller;
  if (!caller?.workspace || !caller.role) throw new UnauthorizedError();
  return caller as WorkspaceCaller;
}

export function setSessionCookies(reply: FastifyReply, secret: string, csrf: string, cookie: { secure: boolean; maxAgeMs: number }) {
  const base = { path: '/', sameSite: 'lax' as const, secure: cookie.secure, maxAge: cookie.maxAgeMs / 1000 };
  reply.setCookie(SESSION_COOKIE, secret, { ...base, httpOnly: true });
  // Readable by the web app, which copies it into the X-CSRF-Token header (double submit).
  reply.setCookie(CSRF_COOKIE, csrf, { ...base, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/**
 * Verified tokens, kept for TOKEN_CACHE_MS so that a read costs no token query. Any
 * successful write through this process empties it (a revocation, a settings change and a
 * role change are all writes), so the lag exists only for writes made by other processes.
 */
const TOKEN_CACHE_MS = 2000;

export function registerAuth(app: FastifyInstance, lookups: AuthLookups, options: AuthOptions) {
  const tokenCache = new Map<string, { found: TokenIdentity; expires: number }>();
  async function verifyCached(token: string) {
    const hit = tokenCache.get(token);
    if (hit && hit.expires > Date.now()) return hit.found;
    const found = await lookups.findToken(token, options.now());
    if (found) {
      if (tokenCache.size > 1000) tokenCache.clear();
      tokenCache.set(token, { found, expires: Date.now() + TOKEN_CACHE_MS });
    }
    return found;
  }
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && reply.statusCode < 400 && tokenCache.size > 0) tokenCache.clear();
    return payload;
  });

  const tokenLimit = app.createRateLimit({ max: options.tokenRateLimit, timeWindow: 60_000, keyGenerator: (req) => `tok:${req.caller?.tokenId}` });
  const failLimit = app.createRateLimit({ max: options.failedAuthLimit, timeWindow: 60_000, keyGenerator: (req) => `fail:${req.ip}` });

  /** Wrong credentials count towards a per-address limit; missing ones do not. */
  async function refuse(request: FastifyRequest, error: AppError): Promise<never> {
    const result = await failLimit(request);
    if (!result.isAllowed && result.isExceeded) throw new AppError('rate_limited', 'too many failed sign-in attempts: wait a minute');
    throw error;
  }

  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access || access === 'public') return;
    const now = options.now();
    const auth = request.headers.authorization;
    if (auth !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(auth);
      const found = match ? await verifyCached(match[1]!) : null;
      if (!found) return refuse(request, new UnauthorizedError('the API token is unknown or revoked'));
      request.caller = { via: 'token', user: null, workspace: found.workspace, role: found.role, tokenId: found.tokenId, actorUserId: found.createdBy, sessionId: null, sessionSecret: null };
      const limited = await tokenLimit(request);
      // isAllowed means "on the allow list"; isExceeded is the verdict.
      if (!limited.isAllowed && limited.isExceeded) {
        reply.header('retry-after', limited.ttlInSeconds);
        throw new AppError('rate_limited', `this token made more than ${options.tokenRateLimit} requests in a minute: slow down`);
      }
    } else {
      const secret = request.cookies[SESSION_COOKIE];
      if (!secret) throw new UnauthorizedError();
      const resolved = await lookups.findSession(secret, now);
      if (!resolved) return refuse(request, new UnauthorizedError('the session has ended: sign in again'));
      if (resolved.rotated) setSessionCookies(reply, resolved.secret, lookups.csrfTokenFor(resolved.secret), { secure: options.secureCookies, maxAgeMs: options.sessionTtlMs });
      const header = request.headers[WORKSPACE_HEADER];
      const wanted = (typeof header === 'string' && header) || resolved.workspaceId;
      const chosen = wanted ? await lookups.findWorkspaceRole(resolved.userId, wanted) : null;
      if (wanted && !chosen) throw new NotFoundError('workspace', wanted);
      request.caller = {
        via: 'session',
        user: resolved.user,
        workspace: chosen?.workspace ?? null,
        role: chosen?.role ?? null,
        tokenId: null,
        actorUserId: resolved.userId,
        sessionId: resolved.sessionId,
        sessionSecret: resolved.secret,
      };
      const sent = request.headers[CSRF_HEADER];
      if (!SAFE_METHODS.has(request.method) && !lookups.isCsrfTokenValid(secret, typeof sent === 'string' ? sent : undefined)) {
        throw new ForbiddenError('missing or wrong CSRF token: send the csrf_token of GET /api/v1/auth/session in X-CSRF-Token');
      }
    }
    checkAccess(request.caller, access, lookups.hasRole);
  });
}

function checkAccess(caller: Caller, access: Exclude<Access, 'public'>, hasRole: AuthLookups['hasRole']) {
  if (access === 'any') return;
  if (access === 'session') {
    if (caller.via !== 'session') throw new ForbiddenError('this needs a signed-in user, not an API token');
    return;
  }
  if (!caller.workspace || !caller.role) throw new ForbiddenError('choose a workspace first (POST /api/v1/auth/session/workspace or X-Rapport-Workspace)');
  if (!hasRole(caller.role, access)) throw new ForbiddenError(`this needs the role ${access} or above; you are ${caller.role}`);
}
