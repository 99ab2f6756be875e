/** Every query on users, memberships, API tokens, sessions and invitations. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ApiTokensTable, MembershipsTable, UsersTable } from '../workspaces/workspaces.table.js';
import type { InvitationsTable, SessionsTable } from './auth.table.js';

type Db = Kysely<Database> | Transaction<Database>;
export type UserRow = UsersTable;
export type TokenRow = ApiTokensTable;
export type SessionRow = SessionsTable;
export type InvitationRow = InvitationsTable;

export function findUserRowByEmail(db: Db, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserRowById(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Claims the first-owner row; fails with a unique violation when it is taken (see migration 0007). */
export function claimFirstOwner(db: Db, userId: string, now: number) {
  return db.insertInto('first_owner').values({ id: 1, user_id: userId, created_at: now }).execute();
}

export function insertUser(db: Db, row: UserRow) {
  return db.insertInto('users').values(row).execute();
}

export function updateUserPassword(db: Db, id: string, hash: string) {
  return db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
}

export function upsertMembership(db: Db, row: MembershipsTable) {
  return db
    .insertInto('memberships')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: row.role }))
    .execute();
}

export function findMembership(db: Db, workspaceId: string, userId: string) {
  return db
    .selectFrom('memberships')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function listMembershipsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['m.workspace_id', 'w.slug', 'w.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('w.created_at')
    .execute();
}

export function listMemberRows(db: Db, workspaceId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .orderBy('u.email')
    .execute();
}

export function updateMembershipRole(db: Db, workspaceId: string, userId: string, role: string) {
  return db.updateTable('memberships').set({ role }).where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
}

export function deleteMembership(db: Db, workspaceId: string, userId: string) {
  return db.deleteFrom('memberships').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
}

/**
 * Takes the workspace's row lock until the transaction ends (PostgreSQL; on SQLite the
 * transaction holds the database's write lock already), so that checks of its members that
 * follow see every change committed before and none made meanwhile.
 */
export function lockWorkspaceRow(db: Db, workspaceId: string) {
  return db.updateTable('workspaces').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', workspaceId).execute();
}

export async function countOwners(db: Db, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function insertToken(db: Db, row: TokenRow) {
  return db.insertInto('api_tokens').values(row).execute();
}

/** Tokens of the workspace with their creators' addresses; only those of `createdBy` when given. */
export function listTokenRows(db: Db, workspaceId: string, createdBy?: string) {
  let query = db
    .selectFrom('api_tokens as t')
    .leftJoin('users as u', 'u.id', 't.created_by')
    .selectAll('t')
    .select('u.email as created_by_email')
    .where('t.workspace_id', '=', workspaceId);
  if (createdBy !== undefined) query = query.where('t.created_by', '=', createdBy);
  return query.orderBy('t.created_at').orderBy('t.id').execute();
}

export function findTokenRow(db: Db, workspaceId: string, id: string) {
  return db.selectFrom('api_tokens').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * The token of a hash with its workspace and its creator's role there now (null: the creator
 * is no member any more, or the token has no creator), in one query: this runs on every API call.
 */
export function findActiveTokenWithWorkspace(db: Db, hash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('workspaces as w', 'w.id', 't.workspace_id')
    .leftJoin('memberships as m', (join) => join.onRef('m.workspace_id', '=', 't.workspace_id').onRef('m.user_id', '=', 't.created_by'))
    .select([
      't.id as token_id', 't.name as token_name', 't.role', 't.created_by', 't.last_used_at', 'm.role as creator_role',
      'w.id', 'w.slug', 'w.name', 'w.settings', 'w.created_at', 'w.updated_at',
    ])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst();
}

export function touchToken(db: Db, workspaceId: string, id: string, now: number) {
  return db.updateTable('api_tokens').set({ last_used_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export function revokeTokenRow(db: Db, workspaceId: string, id: string, now: number) {
  return db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export function insertSession(db: Db, row: SessionRow) {
  return db.insertInto('sessions').values(row).execute();
}

export function findSessionByHash(db: Db, hash: string) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where((eb) => eb.or([eb('token_hash', '=', hash), eb('previous_hash', '=', hash)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export function updateSession(db: Db, id: string, values: Partial<SessionRow>) {
  return db.updateTable('sessions').set(values).where('id', '=', id).execute();
}

export function revokeSessionsOfUser(db: Db, userId: string, now: number) {
  return db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

export function insertInvitation(db: Db, row: InvitationRow) {
  return db.insertInto('invitations').values(row).execute();
}

export function listInvitationRows(db: Db, workspaceId: string) {
  return db.selectFrom('invitations').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
}

export function findInvitationByHash(db: Db, hash: string) {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

/** Marks an open invitation accepted; false when it was accepted or revoked meanwhile. */
export async function markInvitationAccepted(db: Db, workspaceId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function updateInvitation(db: Db, workspaceId: string, id: string, values: Partial<InvitationRow>) {
  return db.updateTable('invitations').set(values).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}
