/** Users: the first owner's sign-up, password login, and `rapport user create`. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { ConflictError, ForbiddenError, UnauthorizedError } from '../errors.js';
import { newId } from '../shared/ids.js';
import { toIso } from '../shared/time.js';
import { parseOrThrow } from '../shared/validate.js';
import { createWorkspace, listWorkspaces } from '../workspaces/workspaces.service.js';
import type { Role, Workspace } from '../workspaces/workspaces.schema.js';
import { claimFirstOwner, countUsers, findUserRowByEmail, insertUser, listMembershipsOfUser, updateUserPassword, upsertMembership, type UserRow } from './auth.repo.js';
import { LoginSchema, SignupSchema, type User } from './auth.schema.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { isRole } from './roles.js';
import { Email } from '../contacts/contacts.schema.js';
import { isUniqueViolation } from '../db/constraints.js';

export function userRowToUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, created_at: toIso(row.created_at) };
}

export async function listMemberships(db: Kysely<Database>, userId: string) {
  return (await listMembershipsOfUser(db, userId)).filter((m) => isRole(m.role)) as {
    workspace_id: string;
    slug: string;
    name: string;
    role: Role;
  }[];
}

/**
 * Adds a user to a workspace with a role (creating the user when the address is new) and
 * sets the password when one is given. Used by `rapport user create`.
 * @throws validation (address, password)
 */
export async function createUser(
  db: Kysely<Database>,
  ws: Workspace,
  input: { email: string; name?: string | null; role: Role; password?: string | null },
  now: number,
): Promise<User & { role: Role; workspace_id: string }> {
  const email = parseOrThrow(Email, input.email, 'email');
  const hash = input.password ? await hashPassword(input.password) : null;
  const user = await db.transaction().execute(async (trx) => {
    let row = await findUserRowByEmail(trx, email);
    if (!row) {
      row = { id: newId('usr'), email, name: input.name?.trim() || null, password_hash: hash, created_at: now };
      await insertUser(trx, row);
    } else if (hash) {
      await updateUserPassword(trx, row.id, hash);
    }
    await upsertMembership(trx, { workspace_id: ws.id, user_id: row.id, role: input.role, created_at: now });
    return row;
  });
  return { ...userRowToUser(user), role: input.role, workspace_id: ws.id };
}

/**
 * Sign-up of the first owner: only while nobody has an account. The new user owns every
 * workspace that exists already (made with `rapport init`) and the one described, if any.
 * Concurrent sign-ups on an empty database create one owner: each claims the one row of
 * first_owner first, in the transaction that creates everything, and all but one are refused.
 * @throws forbidden (sign-up closed), conflict (another sign-up won, slug taken), validation
 */
export async function signUpFirstOwner(db: Kysely<Database>, input: unknown, now: number): Promise<{ user: User; workspace: Workspace | null }> {
  const data = parseOrThrow(SignupSchema, input, 'sign-up');
  if ((await countUsers(db)) > 0) throw new ForbiddenError(SIGNUP_CLOSED);
  const hash = await hashPassword(data.password);
  const row: UserRow = { id: newId('usr'), email: data.email, name: data.name ?? null, password_hash: hash, created_at: now };
  const lost = new ConflictError(`another sign-up created the first owner a moment ago: ${SIGNUP_CLOSED}`);
  const created = await db
    .transaction()
    .execute(async (trx) => {
      await claimFirstOwner(trx, row.id, now);
      // Accounts made otherwise (rapport user create, invitations) close sign-up too.
      if ((await countUsers(trx)) > 0) throw lost;
      const workspace = data.workspace ? await createWorkspace(trx, data.workspace, now) : null;
      await insertUser(trx, row);
      for (const ws of await listWorkspaces(trx)) {
        await upsertMembership(trx, { workspace_id: ws.id, user_id: row.id, role: 'owner', created_at: now });
      }
      return workspace;
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? lost : error;
    });
  const workspaces = created ? [created] : await listWorkspaces(db);
  return { user: userRowToUser(row), workspace: workspaces[0] ?? null };
}

const SIGNUP_CLOSED = 'sign-up is closed: sign in, or ask an owner or admin of a workspace for an invitation';

/**
 * The user of an email and password. Unknown users cost the same time as wrong passwords.
 * @throws unauthorized, validation
 */
export async function authenticatePassword(db: Kysely<Database>, input: unknown): Promise<{ user: User; workspace?: string }> {
  const data = parseOrThrow(LoginSchema, input, 'login');
  const row = await findUserRowByEmail(db, data.email);
  const ok = await verifyPassword(data.password, row?.password_hash ?? (await dummyHash()));
  if (!row?.password_hash || !ok) throw new UnauthorizedError('wrong email or password');
  // The password is at hand only now: a hash of older, weaker parameters is replaced.
  if (needsRehash(row.password_hash)) await updateUserPassword(db, row.id, await hashPassword(data.password));
  return { user: userRowToUser(row), workspace: data.workspace };
}
