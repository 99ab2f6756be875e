/**
 * Live mail on the command line: `rapport account add|ls|rm|test`, `rapport sync` and
 * `rapport send`. Passwords come from an environment variable named by the user, never from
 * the command line, and are never printed.
 */
import { type Command, Option } from 'commander';
import type { MailKey } from '../../mail/secret-box.js';
import { type DbContext, emit, intOption, list, withWorkspace } from '../context.js';
import { table } from '../format.js';
import { readPassword } from './accounts.js';
import { describeSummary } from './import.js';

/** The key that seals mail passwords: from RAPPORT_SECRET, else the key file in the data folder. */
async function mailKeyOf(ctx: DbContext): Promise<MailKey> {
  const [{ readEnv }, { loadMailKey }] = await Promise.all([import('../../config.js'), import('../../mail/secret-box.js')]);
  const env = readEnv();
  return loadMailKey({ secret: env.RAPPORT_SECRET, dataDir: ctx.globals.data ?? env.RAPPORT_DATA });
}

export function registerMailCommands(program: Command): void {
  const account = program.command('account').description('mail accounts: Rapport syncs their mail over IMAP and sends over SMTP');
  account
    .command('add')
    .description('add a mail account (its address becomes one of your own addresses)')
    .requiredOption('--imap <url>', 'imaps://user@host[:port], or imap://… (STARTTLS when offered); required')
    .requiredOption('--smtp <url>', 'smtps://user@host[:port], or smtp://… (STARTTLS when offered); required')
    .requiredOption('--password-env <var>', 'environment variable holding the password (used for both servers); required')
    .option('--name <name>', 'name of the account (default its address)')
    .option('--address <email>', 'address mail is sent from (default the IMAP user)')
    .option('--folders <list>', 'folders to sync, comma-separated (default INBOX and the Sent folder)')
    .option('--history-days <n>', 'how far back the first sync reads (default 365)', intOption('--history-days'))
    .action(async (opts: { imap: string; smtp: string; passwordEnv: string; name?: string; address?: string; folders?: string; historyDays?: number }, command: Command) => {
      const password = await readPassword(opts.passwordEnv);
      await withWorkspace(command, async (ctx) => {
        const { addAccount } = await import('../../mail/accounts.service.js');
        const created = await addAccount(
          ctx.db.kysely,
          ctx.ws,
          { imap: opts.imap, smtp: opts.smtp, password, name: opts.name, address: opts.address, folders: list(opts.folders), history_days: opts.historyDays },
          await mailKeyOf(ctx),
          ctx.now,
        );
        emit(ctx, created, () => `Mail account ${created.name} added (${created.id}). Check it with: rapport account test ${created.id}; then: rapport sync`);
      });
    });
  account
    .command('ls')
    .description('mail accounts with the state of their last sync')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listAccounts }, { formatLocalTime }] = await Promise.all([import('../../mail/accounts.service.js'), import('../../shared/time.js')]);
        const accounts = await listAccounts(ctx.db.kysely, ctx.ws, Date.now());
        emit(ctx, accounts, () =>
          accounts.length === 0
            ? 'No mail account. Add one with: rapport account add --imap imaps://you@host --smtp smtps://you@host --password-env VAR'
            : [
                table(
                  ['id', 'name', 'imap', 'state', 'last synced', 'last error'],
                  accounts.map((a) => [a.id, a.name, a.imap, a.status.state, a.status.last_success_at ? formatLocalTime(a.status.last_success_at, ctx.ws.settings.time_zone) : 'never', a.status.last_error]),
                ),
              ].join('\n'),
        );
      });
    });
  account
    .command('rm <account>')
    .description('remove a mail account (by id or name); the mail it brought in stays')
    .action(async (ref: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { removeAccount } = await import('../../mail/accounts.service.js');
        const removed = await removeAccount(ctx.db.kysely, ctx.ws, ref, ctx.now);
        emit(ctx, removed, () => `Mail account ${removed.name} (${removed.id}) removed.`);
      });
    });
  account
    .command('test <account>')
    .description('connect to both servers and log in; says which step failed (DNS, connect, TLS, login, folder)')
    .action(async (ref: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { testAccount } = await import('../../mail/accounts.service.js');
        const result = await testAccount(ctx.db.kysely, ctx.ws, ref, await mailKeyOf(ctx));
        emit(ctx, result, () => result.checks.map((c) => `${c.server.toUpperCase()}: ${c.ok ? 'ok' : 'FAILED'}, ${c.message}`).join('\n'));
        if (!result.ok) {
          const { AppError } = await import('../../errors.js');
          throw new AppError('unavailable', `the connection test failed: ${result.checks.filter((c) => !c.ok).map((c) => c.message).join('; ')}`);
        }
      });
    });

  program
    .command('sync')
    .description('bring in new mail from the mail accounts over IMAP (--json: the import summary)')
    .option('--account <account>', 'only this account (id or name)')
    .action(async (opts: { account?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { syncAccounts } = await import('../../mail/sync.service.js');
        const live = !ctx.json && !!process.stderr.isTTY;
        const { failures, ...summary } = await syncAccounts(ctx.db, ctx.ws, await mailKeyOf(ctx), ctx.now, opts.account, {
          onProgress: live ? (p) => process.stderr.write(`\r${p.folder}: ${p.done}/${p.total} messages\u001b[K`) : undefined,
        });
        if (live) process.stderr.write('\r\u001b[K');
        emit(ctx, summary, () => describeSummary(summary));
        if (failures.length > 0) {
          const { AppError } = await import('../../errors.js');
          throw new AppError('unavailable', `sync failed for ${failures.join('; ')}`);
        }
      });
    });

  program
    .command('send <contact>')
    .description('send a message to a contact from the mail account; it ends the wait it answers')
    .option('--subject <subject>', 'subject (a reply defaults to "Re: " and the thread’s subject)')
    .requiredOption('--file <path>', 'the message, in Markdown ("-" reads standard input); required')
    .option('--reply-to-thread <id>', 'reply in this thread (In-Reply-To, References, "Re:" subject)')
    .addOption(new Option('--account <account>', 'send from this account (default the first)'))
    .action(async (contact: string, opts: { subject?: string; file: string; replyToThread?: string; account?: string }, command: Command) => {
      const { readFile } = await import('node:fs/promises');
      let body: string;
      try {
        body = opts.file === '-' ? await readStdin() : await readFile(opts.file, 'utf8');
      } catch (error) {
        const { ValidationError } = await import('../../errors.js');
        throw new ValidationError(`--file: cannot read ${opts.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      await withWorkspace(command, async (ctx) => {
        const { sendMessage } = await import('../../mail/send.service.js');
        const sent = await sendMessage(ctx.db, ctx.ws, await mailKeyOf(ctx), { contact, subject: opts.subject, body, reply_to_thread: opts.replyToThread, account: opts.account }, ctx.now);
        emit(ctx, sent, () => `Sent "${sent.subject}" to ${sent.to} (${sent.message_id})${sent.appended_to_sent ? '; a copy is in Sent' : ''}.`);
      });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
