/**
 * API tokens: shown once at creation, stored as a SHA-256 hash, scoped to one workspace,
 * revocable. A token never carries more power than the member who created it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { newId } from '../shared/ids.js';
import { toIso, toIsoOrNull } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { workspaceRowToWorkspace } from '../workspaces/workspaces.service.js';
import type { Role, Workspace } from '../workspaces/workspaces.schema.js';
import { findActiveTokenWithWorkspace, findTokenRow, insertToken, listTokenRows, revokeTokenRow, touchToken, type TokenRow } from './auth.repo.js';
import { TokenInputSchema, type ApiToken, type TokenInput } from './auth.schema.js';
import { hasRole, isRole } from './roles.js';
import { randomSecret, sha256 } from './secrets.js';

export const TOKEN_PREFIX = 'rap';
/** last_used_at is written at most this often, so that reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

export function tokenRowToApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    workspace_id: row.workspace_id,
    created_by: row.created_by,
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
  return { ...tokenRowToApiToken(row), token };
}

export async function listTokens(db: Kysely<Database>, ws: Workspace): Promise<ApiToken[]> {
  return (await listTokenRows(db, ws.id)).map(tokenRowToApiToken);
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
  return tokenRowToApiToken((await findTokenRow(db, ws.id, id))!);
}

export interface TokenCaller {
  workspace: Workspace;
  role: Role;
  tokenId: string;
  tokenName: string;
  createdBy: string | null;
}

/** The caller a bearer token stands for, or null when it is unknown or revoked. */
export async function verifyToken(db: Kysely<Database>, token: string, now: number): Promise<TokenCaller | null> {
  if (!token.startsWith(`${TOKEN_PREFIX}_`) || token.length > 200) return null;
  const row = await findActiveTokenWithWorkspace(db, sha256(token));
  if (!row || !isRole(row.role)) return null;
  if (row.last_used_at === null || now - row.last_used_at > TOUCH_EVERY_MS) await touchToken(db, row.id, row.token_id, now);
  const { token_id, token_name, role, created_by, last_used_at: _, ...ws } = row;
  return { workspace: workspaceRowToWorkspace(ws), role, tokenId: token_id, tokenName: token_name, createdBy: created_by };
}
