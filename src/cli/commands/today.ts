/** `today` (and `today done|snooze|dismiss`), `digest` and `coach`: SPEC §6. */
import type { Command } from 'commander';
import type { Suggestion } from '../../suggestions/suggestions.schema.js';
import { emit, intOption, parseInstantFlag, withWorkspace, type WorkspaceContext } from '../context.js';

async function deps() {
  const { loadSuggestionDeps } = await import('../../suggestions/suggestions.deps.js');
  return loadSuggestionDeps();
}

function render(rows: Suggestion[], total: number, isPlan: boolean): string {
  if (rows.length === 0) return total > 0 ? `Today's plan is done. ${total} more open: rapport today --all` : 'Nothing needs you today.';
  const body = rows.map(
    (s, i) => `${String(i + 1).padStart(2)}. [${s.priority}] ${s.kind.replace('_', ' ')} — ${s.contact.name}${s.new ? ' (new)' : ''}\n${s.why ? `    ${s.why}\n` : ''}    ${s.reason}\n    ${s.id}`,
  );
  const more = isPlan && total > rows.length ? `\n\nToday's plan: ${rows.length} of ${total} open. Show all: rapport today --all` : '';
  return `${body.join('\n')}${more}\n\nrapport today done|snooze|dismiss|undo ID`;
}

async function ownerIdOf(ctx: WorkspaceContext, member: string | undefined): Promise<string | undefined> {
  if (!member) return undefined;
  const user = await ctx.db.kysely
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select('users.id')
    .where('memberships.workspace_id', '=', ctx.ws.id)
    .where('users.email', '=', member.trim().toLowerCase())
    .executeTakeFirst();
  if (!user) {
    const { NotFoundError } = await import('../../errors.js');
    throw new NotFoundError('member', member);
  }
  return user.id;
}

export function registerTodayCommands(program: Command): void {
  const today = program
    .command('today')
    .description("today's plan: the few actions that matter most today, kept for the day (--all: every open suggestion)")
    .option('--all', 'every open suggestion, most important first, instead of the plan')
    .option('--limit <n>', 'at most this many', intOption('--limit'))
    .option('--member <email>', "only this member's contacts (and unowned ones)")
    .action(async (opts: { all?: boolean; limit?: number; member?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const ownerId = await ownerIdOf(ctx, opts.member);
        if (opts.all) {
          const [{ listToday }, { countOpenSuggestions }] = await Promise.all([import('../../suggestions/suggestions.service.js'), import('../../suggestions/plan.service.js')]);
          const rows = await listToday(ctx.db.kysely, ctx.ws, ctx.now, { limit: opts.limit ?? 100_000, owner_id: ownerId }, deps);
          const total = opts.limit === undefined ? rows.length : await countOpenSuggestions(ctx.db.kysely, ctx.ws, ctx.now, ownerId);
          emit(ctx, rows, () => render(rows, total, false));
          return;
        }
        const { getTodayPlan } = await import('../../suggestions/plan.service.js');
        const plan = await getTodayPlan(ctx.db.kysely, ctx.ws, ctx.now, { limit: opts.limit, owner_id: ownerId }, deps);
        emit(ctx, plan.items, () => render(plan.items, plan.total, true));
      });
    });
  today
    .command('done')
    .description('mark it done and log what did it: a reply goes into the waiting thread, a kept promise completes its commitment')
    .argument('<id>', 'suggestion id')
    .option('--note <text>', 'what you did or said (default: the draft)')
    .option('--kind <kind>', 'how: email, call, meeting, message, surprise')
    .action(async (id: string, opts: { note?: string; kind?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ completeSuggestion }, text] = await Promise.all([import('../../suggestions/suggestions.service.js'), import('../../text/index.js')]);
        const done = await completeSuggestion(ctx.db.kysely, ctx.ws, id, ctx.now, { note: opts.note, kind: opts.kind as never, detectTags: (t) => text.detectTags(t) });
        emit(ctx, done, () => `Done: ${done.kind.replace('_', ' ')} — ${done.contact.name}. Logged ${done.interaction.kind} ${done.interaction.id}${done.interaction.behaviors.length ? ` [${done.interaction.behaviors.map((b) => b.behavior).join(', ')}]` : ''}.`);
      });
    });
  today
    .command('snooze')
    .description('put it away until a time; it comes back if still relevant')
    .argument('<id>', 'suggestion id')
    .requiredOption('--until <iso>', 'when it comes back; required')
    .action(async (id: string, opts: { until: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { snoozeSuggestion } = await import('../../suggestions/suggestions.service.js');
        const s = await snoozeSuggestion(ctx.db.kysely, ctx.ws, id, await parseInstantFlag(opts.until, '--until', ctx.ws.settings.time_zone), ctx.now);
        emit(ctx, s, () => `Snoozed until ${s.until}: ${s.kind.replace('_', ' ')} — ${s.contact.name}.`);
      });
    });
  today
    .command('undo')
    .description('take back done, snooze or dismiss (done: deletes the interaction it logged, reopens a commitment it met)')
    .argument('<id>', 'suggestion id')
    .option('--interaction <id>', 'for a done suggestion: the interaction that done logged')
    .action(async (id: string, opts: { interaction?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { undoSuggestion } = await import('../../suggestions/undo.service.js');
        const s = await undoSuggestion(ctx.db.kysely, ctx.ws, id, ctx.now, { interactionId: opts.interaction });
        emit(ctx, s, () => `Open again: ${s.kind.replace('_', ' ')} — ${s.contact.name}.`);
      });
    });
  today
    .command('dismiss')
    .description('dismiss it: the same cause does not come back')
    .argument('<id>', 'suggestion id')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { dismissSuggestion } = await import('../../suggestions/suggestions.service.js');
        const s = await dismissSuggestion(ctx.db.kysely, ctx.ws, id, ctx.now);
        emit(ctx, s, () => `Dismissed: ${s.kind.replace('_', ' ')} — ${s.contact.name}.`);
      });
    });

  program
    .command('digest')
    .description("the day's top items, on the terminal or (--send) as an e-mail")
    .option('--limit <n>', 'at most this many (default 10)', intOption('--limit'))
    .option('--member <email>', "the member whose digest it is (their contacts and unowned ones)")
    .option('--send', 'send the digest from the mail account (without one: an .eml in <data>/outbox)')
    .option('--to <address>', 'recipient (default: --member)')
    .option('--out <file>', 'where to write the .eml')
    .action(async (opts: { limit?: number; member?: string; send?: boolean; to?: string; out?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listToday }, { renderDigest }] = await Promise.all([import('../../suggestions/suggestions.service.js'), import('../../suggestions/digest.js')]);
        const items = await listToday(ctx.db.kysely, ctx.ws, ctx.now, { limit: opts.limit ?? 10, owner_id: await ownerIdOf(ctx, opts.member) }, deps);
        const digest = renderDigest(items, ctx.ws.name, ctx.now, ctx.ws.settings.time_zone);
        if (!opts.send) {
          emit(ctx, { subject: digest.subject, items }, () => `${digest.subject}\n\n${digest.text}`);
          return;
        }
        const to = opts.to ?? opts.member;
        if (to) {
          const [{ sendNotice }, { loadMailKey }, { readEnv }] = await Promise.all([import('../../mail/send.service.js'), import('../../mail/secret-box.js'), import('../../config.js')]);
          // The key only when an account exists: a digest without one creates no key file.
          const key = () => loadMailKey({ secret: readEnv().RAPPORT_SECRET, dataDir: ctx.globals.data ?? readEnv().RAPPORT_DATA });
          const sent = await sendNotice(ctx.db, ctx.ws, key, { to, subject: digest.subject, text: digest.text }, ctx.now);
          if (sent) {
            emit(ctx, { subject: digest.subject, items, sent_to: to, message_id: sent.message_id }, () => `Digest sent to ${to} from ${sent.from} (${items.length} item${items.length === 1 ? '' : 's'}).`);
            return;
          }
        }
        const file = await writeDigestEml(ctx, digest, opts);
        emit(ctx, { subject: digest.subject, items, file }, () => `Digest written to ${file} (${items.length} item${items.length === 1 ? '' : 's'}).`);
      });
    });

  program
    .command('coach')
    .description('read a draft to a contact: which behaviours it shows, what is missing, what to mind')
    .argument('<contact>', 'email address or id')
    .option('--file <path>', 'the draft (default: standard input)')
    .action(async (contact: string, opts: { file?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { readFile } = await import('node:fs/promises');
        const draft = opts.file ? await readFile(opts.file, 'utf8').catch((e: NodeJS.ErrnoException) => failRead(opts.file!, e)) : await readStdin();
        const { coachDraftFor } = await import('../../coach/coach.service.js');
        const report = await coachDraftFor(ctx.db.kysely, ctx.ws, contact, draft, ctx.now);
        emit(ctx, report, () => {
          const lines = [`Shows: ${report.shows.length ? report.shows.join(', ') : 'no behaviour yet'}`];
          if (report.missing.length) lines.push(`Missing for this relationship: ${report.missing.join(', ')}`);
          for (const a of report.advice) lines.push(`• ${a}`);
          return lines.join('\n');
        });
      });
    });
}

async function failRead(file: string, e: NodeJS.ErrnoException): Promise<never> {
  const { ValidationError } = await import('../../errors.js');
  throw new ValidationError(`--file: cannot read ${file} (${e.code ?? e.message})`, [{ where: '--file', reason: e.code ?? e.message }]);
}

async function readStdin(): Promise<string> {
  // On a terminal the command would otherwise seem to hang.
  if (process.stdin.isTTY) process.stderr.write('Type or paste your draft, then press Ctrl-D on a line of its own.\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function writeDigestEml(ctx: WorkspaceContext, digest: { subject: string; text: string }, opts: { member?: string; to?: string; out?: string }): Promise<string> {
  const [{ mkdir, writeFile }, { dirname, join, resolve }, nodemailer, { readEnv }, { UsageError }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('nodemailer'),
    import('../../config.js'),
    import('../../errors.js'),
  ]);
  const to = opts.to ?? opts.member;
  if (!to) throw new UsageError('digest --send needs --to ADDRESS or --member EMAIL');
  const from = ctx.ws.settings.own_addresses[0] ?? `rapport@${ctx.ws.settings.own_domains[0] ?? 'localhost'}`;
  // Without a mail account, the stream transport builds the exact message that would be sent.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
  const info = await transport.sendMail({ from, to, subject: digest.subject, text: digest.text, date: new Date(ctx.now) });
  const day = new Date(ctx.now).toISOString().slice(0, 10);
  const file = resolve(opts.out ?? join(ctx.globals.data ?? readEnv().RAPPORT_DATA, 'outbox', `digest-${ctx.ws.slug}-${day}.eml`));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, info.message as Buffer);
  return file;
}
