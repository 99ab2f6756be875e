/**
 * API tokens: shown once at creation, stored as a SHA-256 hash, scoped to one workspace,
 * revocable. A token never carries more power than the member who created it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ForbiddenError, NotFoundError, UsageError } from '../errors.js';
import { newId } from '../shared/ids.js';
import { toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { workspaceRowToWorkspace } from '../workspaces/workspaces.service.js';
import type { Role, Workspace } from '../workspaces/workspaces.schema.js';
import { findActiveTokenWithWorkspace, findTokenRow, findUserRowById, insertToken, listMemberRows, listTokenRows, revokeTokenRow, touchToken, type TokenRow } from './auth.repo.js';
import { TokenInputSchema, type ApiToken, type TokenInput } from './auth.schema.js';
import { hasRole, isRole, minRole } from './roles.js';
import { randomSecret, sha256 } from './secrets.js';

export const TOKEN_PREFIX = 'rap';
/** last_used_at is written at most this often, so that reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

export function tokenRowToApiToken(row: TokenRow & { created_by_email: string | null }): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    workspace_id: row.workspace_id,
    created_by: row.created_by,
    created_by_email: row.created_by_email,
    created_at: toIso(row.created_at),
    last_used_at: toIsoOrNull(row.last_used_at),
    revoked_at: toIsoOrNull(row.revoked_at),
  };
}

/**
 * Creates a token; the returned object holds the secret, which is never shown again.
 * @throws validation, forbidden (asking for a role above the creator's).
 */
export async function createToken(
  db: Kysely<Database>,
  ws: Workspace,
  input: TokenInput,
  creator: { userId: string | null; role: Role },
  now: number,
): Promise<ApiToken & { token: string }> {
  const data = parseOrThrow(TokenInputSchema, input, 'token');
  const role = data.role ?? (creator.role === 'owner' ? 'admin' : creator.role);
  if (!hasRole(creator.role, role)) throw new ForbiddenError(`a ${creator.role} cannot create a token with the role ${role}`);
  const token = randomSecret(TOKEN_PREFIX);
  const row: TokenRow = {
    workspace_id: ws.id,
    id: newId('tok'),
    name: data.name,
    role,
    token_hash: sha256(token),
    created_by: creator.userId,
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await insertToken(db, row);
  const email = creator.userId ? ((await findUserRowById(db, creator.userId))?.email ?? null) : null;
  return { ...tokenRowToApiToken({ ...row, created_by_email: email }), token };
}

/** Tokens of the workspace: admins and owners see all, others the ones they created. */
export async function listTokens(db: Kysely<Database>, ws: Workspace, viewer: { userId: string | null; role: Role }): Promise<ApiToken[]> {
  const own = hasRole(viewer.role, 'admin') ? undefined : (viewer.userId ?? '');
  return (await listTokenRows(db, ws.id, own)).map(tokenRowToApiToken);
}

async function findTokenOrThrow(db: Kysely<Database>, ws: Workspace, id: string): Promise<ApiToken> {
  const row = (await listTokenRows(db, ws.id)).find((r) => r.id === id);
  if (!row) throw new NotFoundError('token', id);
  return tokenRowToApiToken(row);
}

/**
 * Revokes a token of the workspace; revoking twice is harmless.
 * @throws not_found, forbidden
 */
export async function revokeToken(
  db: Kysely<Database>,
  ws: Workspace,
  id: string,
  now: number,
  actor: { userId: string | null; role: Role } = { userId: null, role: 'owner' },
): Promise<ApiToken> {
  const row = await findTokenRow(db, ws.id, id);
  if (!row) throw new NotFoundError('token', id);
  // Members may revoke the tokens they made; admins and owners any token of the workspace.
  if (!hasRole(actor.role, 'admin') && (actor.userId === null || row.created_by !== actor.userId)) {
    throw new ForbiddenError('only an admin can revoke a token someone else created');
  }
  await revokeTokenRow(db, ws.id, id, now);
  return findTokenOrThrow(db, ws, id);
}

export interface TokenCaller {
  workspace: Workspace;
  role: Role;
  tokenId: string;
  tokenName: string;
  createdBy: string | null;
}

/**
 * The caller a bearer token stands for, or null when it is unknown or revoked. A token acts
 * with the weaker of its own role and its creator's role now: demoting the creator caps it,
 * removing the creator from the workspace revokes it. Tokens without a creator (made on the
 * command line of a workspace without accounts) keep their own role.
 */
export async function verifyToken(db: Kysely<Database>, token: string, now: number): Promise<TokenCaller | null> {
  if (!token.startsWith(`${TOKEN_PREFIX}_`) || token.length > 200) return null;
  const row = await findActiveTokenWithWorkspace(db, sha256(token));
  if (!row || !isRole(row.role)) return null;
  const { token_id, token_name, role, created_by, creator_role, last_used_at, ...ws } = row;
  let effective: Role = role;
  if (created_by !== null) {
    if (creator_role === null || !isRole(creator_role)) return null;
    effective = minRole(role, creator_role);
  }
  if (last_used_at === null || now - last_used_at > TOUCH_EVERY_MS) await touchToken(db, ws.id, token_id, now);
  return { workspace: workspaceRowToWorkspace(ws), role: effective, tokenId: token_id, tokenName: token_name, createdBy: created_by };
}

/**
 * Who a token made on the command line acts for: the member `email`, else the workspace's only
 * owner. A workspace without owner accounts (run from the command line alone) gets a token of
 * its own, bound to no member.
 * @throws usage (several owners and no email), not_found (email is no member)
 */
export async function resolveTokenCreator(db: Kysely<Database>, ws: Workspace, email?: string): Promise<{ userId: string | null; role: Role }> {
  const members = await listMemberRows(db, ws.id);
  if (email !== undefined) {
    const wanted = email.trim().toLowerCase();
    const member = members.find((m) => m.email === wanted);
    if (!member || !isRole(member.role)) throw new NotFoundError(`member of ${ws.slug}`, wanted);
    return { userId: member.user_id, role: member.role };
  }
  const owners = members.filter((m) => m.role === 'owner');
  if (owners.length === 1) return { userId: owners[0]!.user_id, role: 'owner' };
  if (owners.length === 0) return { userId: null, role: 'owner' };
  throw new UsageError(`--as: ${ws.slug} has ${owners.length} owners (${owners.map((o) => o.email).join(', ')}); say which member the token acts for`);
}
