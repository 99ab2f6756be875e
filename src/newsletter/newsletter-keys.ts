/**
 * The workspace's secret for signing link tokens, created on first use. Stored in its own
 * table (never in the settings, which members read, and never in a URL); concurrent first
 * uses agree on one secret because the insert keeps the first row.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { tokenWorkspace, verifyToken, type TokenKind, type TokenPayload } from './tokens.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function tokenSecretOf(db: Db, workspaceId: string, now: number): Promise<Buffer> {
  const found = await db.selectFrom('newsletter_keys').select('token_secret').where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (found) return Buffer.from(found.token_secret, 'base64');
  await db
    .insertInto('newsletter_keys')
    .values({ workspace_id: workspaceId, token_secret: randomBytes(32).toString('base64'), created_at: now })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  const row = await db.selectFrom('newsletter_keys').select('token_secret').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Buffer.from(row.token_secret, 'base64');
}

/** A token from a public link checked against its workspace's secret; null when it is not valid. */
export async function verifyPublicToken(db: Db, token: string, kind: TokenKind, now: number): Promise<TokenPayload | null> {
  const workspaceId = tokenWorkspace(token);
  if (!workspaceId) return null;
  const row = await db.selectFrom('newsletter_keys').select('token_secret').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? verifyToken(Buffer.from(row.token_secret, 'base64'), token, kind, now) : null;
}
