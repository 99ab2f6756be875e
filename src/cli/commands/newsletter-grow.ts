/** `newsletter funnel` and `newsletter drip …`: the funnel report and drip sequences. */
import type { Command } from 'commander';
import type { Drip } from '../../newsletter/grow.schema.js';
import type { Funnel } from '../../newsletter/funnel.js';
import { emit, intOption, withWorkspace } from '../context.js';
import { table } from '../format.js';

/** The `newsletter` command, whichever file registered it first. */
function newsletterCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'newsletter') ?? program.command('newsletter').description('newsletter lists, subscribers, campaigns, drips and the funnel');
}

const median = (n: number | null) => (n === null ? null : String(n));

export function renderFunnel(f: Funnel): string {
  const head = ['', 'subscribers', 'engaged', 'replied', 'clients', 'issues to reply', 'issues to client'];
  const row = (label: string, c: Funnel['total']) => [label, c.subscribers, c.engaged, c.replied, c.clients, median(c.median_issues_before_reply), median(c.median_issues_before_client)];
  return [
    `Engaged: opened or clicked in the last ${f.engaged_window_days} days. Issues: the median number received first.`,
    '',
    table(['list', ...head.slice(1)], [...f.lists.map((l) => row(l.name, l)), row('all lists', f.total)]),
    '',
    f.months.length === 0 ? 'No subscriber yet.' : table(['subscribed in', ...head.slice(1)], f.months.map((m) => row(m.month, m))),
  ].join('\n');
}

function renderDrips(drips: Drip[]): string {
  if (drips.length === 0) return 'No drip yet: `rapport newsletter drip add LIST NAME`.';
  return drips
    .map((d) =>
      [
        `${d.name} (list ${d.list}, ${d.id}): ${d.active_enrollments} running, ${d.enrolled} enrolled, ${d.sent} sent`,
        ...(d.steps.length === 0 ? ['  no step yet'] : d.steps.map((s) => `  ${s.position}. day ${s.after_days}: ${s.subject}`)),
      ].join('\n'),
    )
    .join('\n\n');
}

export function registerNewsletterGrowCommands(program: Command): void {
  const newsletter = newsletterCommand(program);
  newsletter
    .command('funnel')
    .description('subscribers → engaged (opened or clicked in 90 days) → replied → client, per list and per month of subscription, with the median number of issues before replying and before becoming a client')
    .option('--list <list>', 'one list (id or name)')
    .action(async (opts: { list?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { getFunnel } = await import('../../newsletter/funnel.service.js');
        const funnel = await getFunnel(ctx.db, ctx.ws, ctx.now, opts.list);
        emit(ctx, funnel, () => renderFunnel(funnel));
      });
    });

  const drip = newsletter.command('drip').description('drip sequences: messages sent N days after a subscriber confirms, stopped when they reply, become a client or leave');
  drip
    .command('add <list> <name>')
    .description('create a drip on a list; subscribers who confirm from now on are enrolled')
    .action(async (list: string, name: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { createDrip } = await import('../../newsletter/drips.service.js');
        const created = await createDrip(ctx.db.kysely, ctx.ws, { list, name }, ctx.now);
        emit(ctx, created, () => `Created the drip "${created.name}" on ${created.list} (${created.id}); add steps with \`rapport newsletter drip step add "${created.name}" --after DAYS --file STEP.md\`.`);
      });
    });

  drip
    .command('ls')
    .description('drips with their steps, running and finished enrollments, messages sent')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { listDrips } = await import('../../newsletter/drips.service.js');
        const drips = await listDrips(ctx.db.kysely, ctx.ws);
        emit(ctx, drips, () => renderDrips(drips));
      });
    });

  drip
    .command('step')
    .description('the steps of a drip')
    .command('add <drip>')
    .description('append a step: Markdown with front matter (subject, preheader), sent DAYS days after the subscriber confirmed')
    .requiredOption('--after <days>', 'days after confirming (not before the previous step); required', intOption('--after'))
    .requiredOption('--file <path>', 'the step in Markdown with front matter; required')
    .action(async (dripRef: string, opts: { after: number; file: string }, command: Command) => {
      const { readFile } = await import('node:fs/promises');
      let markdown: string;
      try {
        markdown = await readFile(opts.file, 'utf8');
      } catch (error) {
        const { ValidationError } = await import('../../errors.js');
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new ValidationError(`--file: cannot read ${opts.file}: ${reason}`, [{ where: '--file', reason }]);
      }
      await withWorkspace(command, async (ctx) => {
        const { addDripStep } = await import('../../newsletter/drips.service.js');
        const updated = await addDripStep(ctx.db.kysely, ctx.ws, dripRef, { after_days: opts.after, markdown }, ctx.now);
        const added = updated.steps.at(-1);
        emit(ctx, updated, () => `Added step ${added?.position} to "${updated.name}": day ${added?.after_days}, "${added?.subject}".`);
      });
    });
}
