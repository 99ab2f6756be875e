/**
 * Browser sessions. The cookie holds a random secret; the database holds its hash. Secrets
 * rotate every ROTATE_MS (the previous one stays valid for GRACE_MS so that requests in
 * flight are not logged out) and at login, which prevents session fixation. The CSRF token
 * is derived from the session secret, so it rotates with it and needs no storage.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { findUserRowById, findSessionByHash, insertSession, revokeSessionsOfUser, updateSession, type SessionRow, type UserRow } from './auth.repo.js';
import { idWith, randomSecret, safeEqual, sha256 } from './secrets.js';

export const SESSION_TTL_MS = 30 * 86_400_000;
export const IDLE_TTL_MS = 7 * 86_400_000;
export const ROTATE_MS = 15 * 60_000;
export const GRACE_MS = 30_000;
/** last_seen_at is written at most this often. */
const SEEN_EVERY_MS = 60_000;

export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('rapport-csrf').digest('base64url');
}

export function isCsrfTokenValid(secret: string, sent: string | undefined): boolean {
  return !!sent && safeEqual(csrfTokenFor(secret), sent);
}

/** Starts a session; returns the cookie secret. */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  workspaceId: string | null,
  now: number,
  userAgent: string | null = null,
): Promise<{ id: string; secret: string }> {
  const secret = randomSecret('rses');
  const row: SessionRow = {
    id: idWith('ses'),
    user_id: userId,
    workspace_id: workspaceId,
    token_hash: sha256(secret),
    previous_hash: null,
    previous_valid_until: null,
    created_at: now,
    rotated_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_TTL_MS,
    revoked_at: null,
    user_agent: userAgent?.slice(0, 300) ?? null,
  };
  await insertSession(db, row);
  return { id: row.id, secret };
}

export interface ResolvedSession {
  session: SessionRow;
  user: UserRow;
  /** The secret the client holds after this request (a new one when it rotated). */
  secret: string;
  rotated: boolean;
}

/** The live session of a cookie secret, rotated when due; null when unknown, expired or revoked. */
export async function resolveSession(db: Kysely<Database>, secret: string, now: number): Promise<ResolvedSession | null> {
  if (!secret.startsWith('rses_') || secret.length > 200) return null;
  const hash = sha256(secret);
  const session = await findSessionByHash(db, hash);
  if (!session || session.expires_at <= now || now - session.last_seen_at > IDLE_TTL_MS) return null;
  const isPrevious = session.token_hash !== hash;
  if (isPrevious && (session.previous_valid_until ?? 0) < now) return null;
  const user = await findUserRowById(db, session.user_id);
  if (!user) return null;
  if (!isPrevious && now - session.rotated_at >= ROTATE_MS) {
    const next = randomSecret('rses');
    const values = { token_hash: sha256(next), previous_hash: hash, previous_valid_until: now + GRACE_MS, rotated_at: now, last_seen_at: now };
    await updateSession(db, session.id, values);
    return { session: { ...session, ...values }, user, secret: next, rotated: true };
  }
  if (now - session.last_seen_at > SEEN_EVERY_MS) await updateSession(db, session.id, { last_seen_at: now });
  return { session, user, secret, rotated: false };
}

export function endSession(db: Kysely<Database>, sessionId: string, now: number) {
  return updateSession(db, sessionId, { revoked_at: now });
}

/** "Log out everywhere": every session of the user ends. */
export function endAllSessions(db: Kysely<Database>, userId: string, now: number) {
  return revokeSessionsOfUser(db, userId, now);
}

export function setSessionWorkspace(db: Kysely<Database>, sessionId: string, workspaceId: string) {
  return updateSession(db, sessionId, { workspace_id: workspaceId });
}
