/**
 * What the auth hook (http/auth.ts) asks the domains, assembled here so that the plumbing
 * imports no domain: tokens and sessions from auth/, workspaces and memberships from
 * workspaces/. Also gives the caller its domain types (declaration merging).
 */
import type { Kysely } from 'kysely';
import { findMembership } from '../auth/auth.repo.js';
import type { User } from '../auth/auth.schema.js';
import { hasRole, isRole } from '../auth/roles.js';
import { csrfTokenFor, isCsrfTokenValid, resolveSession } from '../auth/sessions.service.js';
import { verifyToken } from '../auth/tokens.service.js';
import { userRowToUser } from '../auth/users.service.js';
import type { Database } from '../db/schema.js';
import type { AuthLookups } from '../http/auth.js';
import { findWorkspaceRowById, findWorkspaceRowBySlug } from '../workspaces/workspaces.repo.js';
import type { Role, Workspace } from '../workspaces/workspaces.schema.js';
import { workspaceRowToWorkspace } from '../workspaces/workspaces.service.js';

declare module '../http/auth.js' {
  interface CallerTypes {
    user: User;
    workspace: Workspace;
    role: Role;
  }
}

export function authLookups(db: Kysely<Database>): AuthLookups {
  return {
    async findToken(token, now) {
      const found = await verifyToken(db, token, now);
      return found && { workspace: found.workspace, role: found.role, tokenId: found.tokenId, createdBy: found.createdBy };
    },
    async findSession(secret, now) {
      const resolved = await resolveSession(db, secret, now);
      if (!resolved) return null;
      const { session, user } = resolved;
      return { user: userRowToUser(user), userId: user.id, sessionId: session.id, workspaceId: session.workspace_id, secret: resolved.secret, rotated: resolved.rotated };
    },
    async findWorkspaceRole(userId, ref) {
      const row = (await findWorkspaceRowBySlug(db, ref)) ?? (await findWorkspaceRowById(db, ref));
      const membership = row ? await findMembership(db, row.id, userId) : undefined;
      if (!row || !membership || !isRole(membership.role)) return null;
      return { workspace: workspaceRowToWorkspace(row), role: membership.role };
    },
    hasRole,
    csrfTokenFor,
    isCsrfTokenValid,
  };
}
