/**
 * Members of a workspace and invitations to join it. Rules: only an owner can make or unmake
 * an owner, and a workspace always keeps at least one owner.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import { toIso, toIsoOrNull, DAY_MS } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { newId } from '../shared/ids.js';
import type { Role, Workspace } from '../workspaces/workspaces.schema.js';
import {
  countOwners,
  deleteMembership,
  findInvitationByHash,
  findMembership,
  findUserRowByEmail,
  insertInvitation,
  insertUser,
  listInvitationRows,
  lockWorkspaceRow,
  markInvitationAccepted,
  listMemberRows,
  updateInvitation,
  updateMembershipRole,
  upsertMembership,
  type InvitationRow,
} from './auth.repo.js';
import { AcceptInvitationSchema, InvitationInputSchema, MemberPatchSchema, type Invitation, type Member, type User } from './auth.schema.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { hasRole, isRole, minRole } from './roles.js';
import { idWith, randomSecret, sha256 } from './secrets.js';
import { userRowToUser } from './users.service.js';

const INVITATION_TTL_MS = 7 * DAY_MS;

export async function listMembers(db: Kysely<Database> | Transaction<Database>, ws: Workspace): Promise<Member[]> {
  return (await listMemberRows(db, ws.id)).map((r) => ({ ...r, role: r.role as Role, created_at: toIso(r.created_at) }));
}

async function findMemberOrThrow(db: Kysely<Database> | Transaction<Database>, ws: Workspace, userId: string): Promise<Member> {
  const member = (await listMembers(db, ws)).find((m) => m.user_id === userId);
  if (!member) throw new NotFoundError('member', userId);
  return member;
}

function assertMayGrant(actorRole: Role, from: Role, to: Role) {
  if ((from === 'owner' || to === 'owner') && actorRole !== 'owner') throw new ForbiddenError('only an owner can make or unmake an owner');
  if (!hasRole(actorRole, to)) throw new ForbiddenError(`a ${actorRole} cannot grant the role ${to}`);
}

/**
 * Changes a member's role.
 * @throws not_found, forbidden, conflict (the last owner)
 */
export async function changeMemberRole(db: Kysely<Database>, ws: Workspace, userId: string, patch: unknown, actorRole: Role): Promise<Member> {
  const { role } = parseOrThrow(MemberPatchSchema, patch, 'member');
  // One change of members at a time per workspace: two owners demoting each other at once
  // would otherwise each see the other still owner, and leave none.
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceRow(trx, ws.id);
    const member = await findMemberOrThrow(trx, ws, userId);
    assertMayGrant(actorRole, member.role, role);
    if (member.role === 'owner' && role !== 'owner' && (await countOwners(trx, ws.id)) <= 1) {
      throw new ConflictError('a workspace needs at least one owner: make someone else owner first');
    }
    await updateMembershipRole(trx, ws.id, userId, role);
    return { ...member, role };
  });
}

/** @throws not_found, forbidden, conflict (the last owner) */
export async function removeMember(db: Kysely<Database>, ws: Workspace, userId: string, actorRole: Role): Promise<Member> {
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceRow(trx, ws.id);
    const member = await findMemberOrThrow(trx, ws, userId);
    if (member.role === 'owner' && actorRole !== 'owner') throw new ForbiddenError('only an owner can remove an owner');
    if (member.role === 'owner' && (await countOwners(trx, ws.id)) <= 1) throw new ConflictError('the last owner of a workspace cannot be removed');
    await deleteMembership(trx, ws.id, userId);
    return member;
  });
}

function invitationRowToInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    created_at: toIso(row.created_at),
    expires_at: toIso(row.expires_at),
    accepted_at: toIsoOrNull(row.accepted_at),
    revoked_at: toIsoOrNull(row.revoked_at),
  };
}

/** Invites an address; the returned token (shown once) is what the invitee accepts with. */
export async function createInvitation(
  db: Kysely<Database>,
  ws: Workspace,
  input: unknown,
  actor: { userId: string | null; role: Role },
  now: number,
): Promise<Invitation & { token: string }> {
  const data = parseOrThrow(InvitationInputSchema, input, 'invitation');
  assertMayGrant(actor.role, 'viewer', data.role);
  const token = randomSecret('rinv');
  const row: InvitationRow = {
    workspace_id: ws.id,
    id: idWith('inv'),
    email: data.email,
    role: data.role,
    token_hash: sha256(token),
    created_by: actor.userId,
    created_at: now,
    expires_at: now + INVITATION_TTL_MS,
    accepted_at: null,
    revoked_at: null,
  };
  await insertInvitation(db, row);
  return { ...invitationRowToInvitation(row), token };
}

export async function listInvitations(db: Kysely<Database>, ws: Workspace): Promise<Invitation[]> {
  return (await listInvitationRows(db, ws.id)).map(invitationRowToInvitation);
}

/** @throws not_found */
export async function revokeInvitation(db: Kysely<Database>, ws: Workspace, id: string, now: number): Promise<Invitation> {
  const row = (await listInvitationRows(db, ws.id)).find((r) => r.id === id);
  if (!row) throw new NotFoundError('invitation', id);
  if (!row.revoked_at && !row.accepted_at) await updateInvitation(db, ws.id, id, { revoked_at: now });
  return invitationRowToInvitation({ ...row, revoked_at: row.revoked_at ?? now });
}

/**
 * The role an invitation grants now: never more than its sender has now. An invitation whose
 * sender left the workspace is void, like the sender's tokens.
 * @throws unauthorized
 */
async function invitedRole(db: Kysely<Database>, row: InvitationRow): Promise<Role> {
  if (row.created_by === null) return row.role as Role;
  const sender = await findMembership(db, row.workspace_id, row.created_by);
  if (!sender || !isRole(sender.role)) throw new UnauthorizedError('this invitation is void: the member who sent it has left the workspace');
  return minRole(row.role as Role, sender.role);
}

/**
 * Accepts an invitation: creates the account (or joins an existing one) with the invited role.
 * @throws unauthorized (unknown, used, revoked or expired token), validation
 */
export async function acceptInvitation(db: Kysely<Database>, input: unknown, now: number): Promise<{ user: User; workspaceId: string }> {
  const data = parseOrThrow(AcceptInvitationSchema, input, 'invitation');
  const row = await findInvitationByHash(db, sha256(data.token));
  if (!row || row.accepted_at || row.revoked_at || row.expires_at <= now) throw new UnauthorizedError('this invitation is unknown, used, revoked or expired');
  const role = await invitedRole(db, row);
  const hash = await hashPassword(data.password);
  const user = await db.transaction().execute(async (trx) => {
    // Marked first: of two accepts of one invitation at once, the second waits here for the
    // first and finds it used.
    if (!(await markInvitationAccepted(trx, row.workspace_id, row.id, now))) throw new UnauthorizedError('this invitation is unknown, used, revoked or expired');
    let user = await findUserRowByEmail(trx, row.email);
    // An existing account joins with its own password; the invitation cannot reset it.
    if (user?.password_hash && !(await verifyPassword(data.password, user.password_hash))) {
      throw new UnauthorizedError(`${row.email} has an account already: give its password to accept`);
    }
    if (!user) {
      user = { id: newId('usr'), email: row.email, name: data.name ?? null, password_hash: hash, created_at: now };
      await insertUser(trx, user);
    }
    if (!(await findMembership(trx, row.workspace_id, user.id))) {
      await upsertMembership(trx, { workspace_id: row.workspace_id, user_id: user.id, role, created_at: now });
    }
    return user;
  });
  return { user: userRowToUser(user), workspaceId: row.workspace_id };
}
