/**
 * Accounts, sessions, members, invitations and API tokens: request and response schemas of
 * the API and the CLI's --json. Field names are a public contract.
 */
import { z } from 'zod';
import { Email } from '../contacts/contacts.schema.js';
import { ROLES, Slug } from '../workspaces/workspaces.schema.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';

export const RoleSchema = z.enum(ROLES);
const Password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const Name = z.string().trim().min(1).max(200);
export { MIN_PASSWORD_LENGTH };
/** A password being chosen: the rule hashPassword enforces, for forms to check before sending. */
export const NewPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `use at most ${MAX_PASSWORD_LENGTH} characters`);

export const SignupSchema = z.strictObject({
  email: Email,
  password: Password,
  name: Name.optional(),
  /** Creates the first workspace too; omit it when workspaces exist already (CLI `init`). */
  workspace: z
    .strictObject({
      name: Name,
      slug: Slug.optional(),
      me: z.array(z.string().min(1).max(320)).min(1).max(100),
      time_zone: z.string().max(100).optional(),
    })
    .optional(),
});

export const LoginSchema = z.strictObject({ email: Email, password: Password, workspace: Slug.optional() });
export const SwitchWorkspaceSchema = z.strictObject({ workspace: Slug });

export const UserSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), created_at: z.string() });
export type User = z.infer<typeof UserSchema>;

export const MembershipSchema = z.object({ workspace_id: z.string(), slug: z.string(), name: z.string(), role: RoleSchema });

export const SessionInfoSchema = z.object({
  user: UserSchema,
  workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
  role: RoleSchema.nullable(),
  memberships: z.array(MembershipSchema),
  /** Send it back in the X-CSRF-Token header on every cookie-authenticated write. */
  csrf_token: z.string().nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const MemberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: RoleSchema,
  created_at: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const MemberPatchSchema = z.strictObject({ role: RoleSchema });

export const InvitationInputSchema = z.strictObject({ email: Email, role: RoleSchema.default('member') });
export const InvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: RoleSchema,
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  /** Present only in the response that created it. */
  token: z.string().optional(),
});
export type Invitation = z.infer<typeof InvitationSchema>;
export const AcceptInvitationSchema = z.strictObject({ token: z.string().min(1).max(200), password: Password, name: Name.optional() });

export const TokenInputSchema = z.strictObject({ name: Name.default('API token'), role: RoleSchema.optional() });
export type TokenInput = z.input<typeof TokenInputSchema>;
export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  workspace_id: z.string(),
  /** The member the token acts for; null for tokens made on the command line of a workspace without accounts. */
  created_by: z.string().nullable(),
  created_by_email: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  /** The secret itself: present only in the response that created it. */
  token: z.string().optional(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;
