/** `rapport user create` and `rapport token create|list|revoke`: accounts and API tokens. */
import { type Command, Option } from 'commander';
import { ROLES, type Role } from '../../workspaces/workspaces.schema.js';
import { emit, withWorkspace } from '../context.js';
import { table } from '../format.js';

export async function readPassword(variable: string): Promise<string> {
  // The variable is named by the user, so it cannot be declared in config.ts; a password
  // on the command line would end up in the shell history and `ps`.
  const value = process.env[variable];
  if (!value) {
    const { UsageError } = await import('../../errors.js');
    throw new UsageError(`--password-env: the environment variable ${variable} is empty or not set`);
  }
  return value;
}

export function registerAccountCommands(program: Command): void {
  const user = program.command('user').description('people who can sign in to the web app and API');
  user
    .command('create <email>')
    .description('add a user to the workspace (or change the role and password of one)')
    .option('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'owner, admin, member or viewer').choices(ROLES).default('member'))
    .requiredOption('--password-env <var>', 'environment variable holding the password; required')
    .action(async (email: string, opts: { name?: string; role: Role; passwordEnv: string }, command: Command) => {
      const password = await readPassword(opts.passwordEnv);
      await withWorkspace(command, async (ctx) => {
        const { createUser } = await import('../../auth/users.service.js');
        const created = await createUser(ctx.db.kysely, ctx.ws, { email, name: opts.name, role: opts.role, password }, ctx.now);
        emit(ctx, created, () => `User ${created.email} is ${created.role} of ${ctx.ws.slug} (${created.id}).`);
      });
    });

  const token = program.command('token').description('API tokens for programs (Authorization: Bearer …)');
  token
    .command('create')
    .description('create a token for this workspace; the secret is shown once')
    .option('--name <name>', 'what the token is for', 'API token')
    .addOption(new Option('--role <role>', "owner, admin, member or viewer (default admin, or the member's role if lower)").choices(ROLES))
    .option('--as <email>', 'the member the token acts for (default: the only owner)')
    .action(async (opts: { name: string; role?: Role; as?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { createToken, resolveTokenCreator } = await import('../../auth/tokens.service.js');
        // The token acts for a member and is never stronger than that member is now.
        const creator = await resolveTokenCreator(ctx.db.kysely, ctx.ws, opts.as);
        const role = opts.role ?? (creator.role === 'owner' ? 'admin' : creator.role);
        const created = await createToken(ctx.db.kysely, ctx.ws, { name: opts.name, role }, creator, ctx.now);
        const forWhom = created.created_by_email ? ` acting for ${created.created_by_email}` : '';
        emit(ctx, created, () => `${created.token}\n\nToken ${created.id} (${created.role}) for ${ctx.ws.slug}${forWhom}. Copy it now: it is not shown again.`);
      });
    });
  token
    .command('list')
    .description('tokens of this workspace (never their secrets)')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listTokens }, { formatLocalDay, formatLocalTime }] = await Promise.all([import('../../auth/tokens.service.js'), import('../../shared/time.js')]);
        const zone = ctx.ws.settings.time_zone;
        // The command line has the database itself: it sees every token.
        const tokens = await listTokens(ctx.db.kysely, ctx.ws, { userId: null, role: 'owner' });
        emit(ctx, tokens, () =>
          tokens.length === 0
            ? 'No tokens. Create one with: rapport token create --name NAME'
            : table(
                ['id', 'name', 'role', 'acts for', 'created', 'last used', 'revoked'],
                tokens.map((t) => [t.id, t.name, t.role, t.created_by_email ?? '-', formatLocalDay(t.created_at, zone), t.last_used_at ? formatLocalTime(t.last_used_at, zone) : '-', t.revoked_at ? formatLocalDay(t.revoked_at, zone) : '-']),
              ),
        );
      });
    });
  token
    .command('revoke <id>')
    .description('revoke a token: programs using it get 401 from now on')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { revokeToken } = await import('../../auth/tokens.service.js');
        const revoked = await revokeToken(ctx.db.kysely, ctx.ws, id, ctx.now);
        emit(ctx, revoked, () => `Token ${revoked.id} (${revoked.name}) is revoked.`);
      });
    });
}
