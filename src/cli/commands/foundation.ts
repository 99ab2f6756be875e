/** `init`, `contacts`, `contacts add|edit` and `log`: the workspace and its people. */
import { Argument, type Command, Option } from 'commander';
import { CONTACT_KINDS, CONTACT_SORTS, STAGES, STATUSES, type Contact, type ContactPatch } from '../../contacts/contacts.schema.js';
import { INTERACTION_KINDS, DIRECTIONS } from '../../interactions/interactions.schema.js';
import { emit, intOption, list, parseInstantFlag, withDb, withWorkspace, type WorkspaceContext } from '../context.js';
import { table } from '../format.js';

export function registerFoundationCommands(program: Command): void {
  program
    .command('init')
    .description('create a workspace: your own addresses decide what is inbound and outbound')
    .requiredOption('--name <name>', 'workspace name; required')
    .option('--slug <slug>', "short name used by --workspace (default: from the name)")
    .requiredOption('--me <list>', 'own addresses and @domains, comma-separated: me@acme.com,@acme.com; required')
    .option('--tz <zone>', 'IANA time zone, e.g. Europe/Berlin', 'UTC')
    .option('--hours <hours>', 'business hours, e.g. "mon-fri 09:00-17:00"')
    .option('--include-lists', 'count mailing-list mail (for teams that live on a list)')
    .action(async (opts: { name: string; slug?: string; me: string; tz: string; hours?: string; includeLists?: boolean }, command: Command) => {
      await withDb(command, async (ctx) => {
        const [{ createWorkspace }, { parseBusinessHours, formatBusinessHours }] = await Promise.all([
          import('../../workspaces/workspaces.service.js'),
          import('../../workspaces/business-hours.js'),
        ]);
        const ws = await createWorkspace(
          ctx.db.kysely,
          {
            name: opts.name,
            slug: opts.slug,
            me: list(opts.me) ?? [],
            time_zone: opts.tz,
            business_hours: opts.hours ? parseBusinessHours(opts.hours) : undefined,
            include_lists: !!opts.includeLists,
          },
          ctx.now,
        );
        emit(ctx, ws, () =>
          [
            `Created workspace ${ws.name} (${ws.slug}).`,
            `  own addresses: ${[...ws.settings.own_addresses, ...ws.settings.own_domains.map((d) => `@${d}`)].join(', ')}`,
            `  time zone: ${ws.settings.time_zone}, business hours: ${formatBusinessHours(ws.settings.business_hours)}`,
            'Next: rapport import ~/mail/archive.mbox   (or: rapport contacts add ada@example.com)',
          ].join('\n'),
        );
      }, { create: true });
    });

  const contacts = program
    .command('contacts')
    .description('list contacts, worst health first with --sort health')
    .addOption(new Option('--status <status>', 'thriving, steady, cooling or at_risk').choices(STATUSES))
    .addOption(new Option('--stage <stage>', 'prospect, honeymoon, established, personal or lost').choices(STAGES))
    .addOption(new Option('--sort <order>', 'health, name, last-touch, company, stage or tags').choices(CONTACT_SORTS).default('name'))
    .option('--tag <tag>', 'only contacts with this tag')
    .option('--search <text>', 'name, address or company contains')
    .option('--limit <n>', 'at most this many', intOption('--limit'))
    .action(async (opts: { status?: never; stage?: never; sort?: never; tag?: string; search?: string; limit?: number }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listContacts }, { formatLocalDay }] = await Promise.all([import('../../contacts/contacts.service.js'), import('../../shared/time.js')]);
        let rows = await listContacts(ctx.db.kysely, ctx.ws, { status: opts.status, stage: opts.stage, sort: opts.sort, tag: opts.tag, q: opts.search }, ctx.now);
        if (opts.limit !== undefined) rows = rows.slice(0, opts.limit);
        emit(ctx, rows, () => renderContacts(rows, (at) => formatLocalDay(at, ctx.ws.settings.time_zone)));
        // Health in the list is stored by the last rescore, not computed at this instant: say so when they differ.
        if (!ctx.json) {
          const [{ findLastScoredAt }, { formatLocalTime }] = await Promise.all([import('../../health/health.repo.js'), import('../../shared/time.js')]);
          const scoredAt = await findLastScoredAt(ctx.db.kysely, ctx.ws.id);
          const note = staleHealthNote(scoredAt, ctx.now, ctx.isNowGiven, (at) => formatLocalTime(at, ctx.ws.settings.time_zone));
          if (note) process.stderr.write(`${note}\n`);
        }
      });
    });

  contactOptions(
    contacts
      .command('add')
      .description('add a contact')
      .argument('<email>', 'primary email address'),
  ).action(async (email: string, opts: ContactFlags, command: Command) => {
    await withWorkspace(command, async (ctx) => {
      const { createContact } = await import('../../contacts/contacts.service.js');
      const contact = await createContact(ctx.db.kysely, ctx.ws, { email, ...(await contactFlagsToPatch(opts, ctx)) }, ctx.now);
      emit(ctx, contact, () => `Added ${contact.name} <${contact.email}> (${contact.id}), ${contact.kind}, ${contact.stage}.`);
    });
  });

  contactOptions(
    contacts
      .command('edit')
      .description('change a contact')
      .argument('<contact>', 'email address or id'),
  )
    .option('--email <email>', 'make this address primary (added when new)')
    .option('--add-email <list>', 'add addresses, comma-separated')
    .option('--lost', 'mark the relationship lost')
    .option('--not-lost', 'the relationship is not lost after all')
    .action(async (ref: string, opts: ContactFlags & { email?: string; addEmail?: string; lost?: boolean; notLost?: boolean }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { editContact } = await import('../../contacts/contacts.service.js');
        const patch: ContactPatch = { ...(await contactFlagsToPatch(opts, ctx)), email: opts.email, add_emails: list(opts.addEmail) };
        if (opts.lost || opts.notLost) patch.lost = !!opts.lost;
        const contact = await editContact(ctx.db.kysely, ctx.ws, ref, patch, ctx.now);
        await refreshHealth(ctx, [contact.id]);
        emit(ctx, contact, () => `Updated ${contact.name} <${contact.email}> (${contact.id}).`);
      });
    });

  program
    .command('log')
    .description('log an interaction: a call, a meeting, a message, a note, a surprise…')
    .addArgument(new Argument('<kind>', INTERACTION_KINDS.join(', ')).choices(INTERACTION_KINDS))
    .argument('<contact>', 'email address or id (comma-separated for several)')
    .option('--at <iso>', 'when it happened (default: now)')
    .addOption(new Option('--direction <direction>', 'in, out or internal (default: out; notes internal)').choices(DIRECTIONS))
    .option('--subject <text>', 'subject or title')
    .option('--text <text>', 'what was said or done')
    .option('--behaviors <list>', 'behaviour tags: interest,compliment,knowledge,enthusiasm,humor,surprise,heroics,ask')
    .action(async (kind: string, refs: string, opts: { at?: string; direction?: string; subject?: string; text?: string; behaviors?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ resolveContactId }, { logInteraction }, text] = await Promise.all([
          import('../../contacts/contacts.service.js'),
          import('../../interactions/interactions.service.js'),
          import('../../text/index.js'),
        ]);
        const at = opts.at ? await parseInstantFlag(opts.at, '--at', ctx.ws.settings.time_zone) : ctx.now;
        const contactIds: string[] = [];
        for (const ref of list(refs) ?? []) contactIds.push(await resolveContactId(ctx.db.kysely, ctx.ws, ref));
        const interaction = await logInteraction(
          ctx.db.kysely,
          ctx.ws,
          { kind: kind as never, contact_ids: contactIds, at, direction: opts.direction as never, subject: opts.subject, text: opts.text, behaviors: list(opts.behaviors) as never },
          ctx.now,
          { detectTags: (t) => text.detectTags(text.ownText(t)), sentiment: (t) => text.sentimentOf(t) },
        );
        emit(ctx, interaction, () => {
          const tags = interaction.behaviors.map((b) => b.behavior).join(', ');
          return `Logged ${interaction.kind} (${interaction.direction}) at ${interaction.at} — ${interaction.id}${tags ? ` [${tags}]` : ''}`;
        });
      });
    });
}

interface ContactFlags {
  name?: string;
  kind?: string;
  company?: string;
  phone?: string;
  tags?: string;
  clientSince?: string;
  keepInTouch?: number;
  notes?: string;
}

function contactOptions(command: Command): Command {
  return command
    .option('--name <name>', 'full name')
    .addOption(new Option('--kind <kind>', 'customer, prospect or personal').choices(CONTACT_KINDS))
    .option('--company <name>', 'company')
    .option('--phone <list>', 'phone numbers, comma-separated')
    .option('--tags <list>', 'tags, comma-separated')
    .option('--client-since <iso>', 'when they became a client (starts the honeymoon)')
    .option('--keep-in-touch <days>', 'overdue after this many days without a touch', intOption('--keep-in-touch'))
    .option('--notes <text>', 'notes');
}

async function contactFlagsToPatch(opts: ContactFlags, ctx: WorkspaceContext): Promise<ContactPatch> {
  return {
    name: opts.name,
    kind: opts.kind as ContactPatch['kind'],
    company: opts.company,
    phones: list(opts.phone),
    tags: list(opts.tags),
    client_since: opts.clientSince ? await parseInstantFlag(opts.clientSince, '--client-since', ctx.ws.settings.time_zone) : undefined,
    keep_in_touch_days: opts.keepInTouch,
    notes: opts.notes,
  };
}

/** Keeps stored health current after a change, once the health engine is present. */
async function refreshHealth(ctx: WorkspaceContext, contactIds: string[]): Promise<void> {
  const { refreshContactHealth } = await import('../../health/health.service.js');
  await refreshContactHealth(ctx.db.kysely, ctx.ws, contactIds, ctx.now);
}

/**
 * What to say when the list's stored health is not as of `now`: with --now, any other instant;
 * on the clock, a rescore more than an hour old.
 */
export function staleHealthNote(scoredAt: number | null, now: number, isNowGiven: boolean, show: (at: number) => string): string | null {
  if (scoredAt === null) return null;
  const gap = Math.abs(now - scoredAt);
  if (isNowGiven ? gap < 60_000 : gap < 3_600_000) return null;
  const rescore = isNowGiven ? `rapport --now ${new Date(now).toISOString()} rescore` : 'rapport rescore';
  return `Health above is from the last rescore, ${show(scoredAt)}, not as of ${show(now)}: \`${rescore}\` recomputes it (\`rapport health CONTACT\` shows one contact at that instant).`;
}

/** The list as a table; `localDay` gives the workspace's calendar day of an instant. */
function renderContacts(rows: Contact[], localDay: (at: string) => string): string {
  if (rows.length === 0) return 'No contacts match.';
  return table(
    ['NAME', 'EMAIL', 'KIND', 'STAGE', 'HEALTH', 'LAST TOUCH'],
    rows.map((c) => [
      c.name,
      c.email,
      c.kind,
      c.stage,
      c.health?.score == null ? null : `${c.health.score} ${c.health.status}${c.health.slipping ? ' ↓ slipping' : ''}`,
      c.last_touch_at ? localDay(c.last_touch_at) : null,
    ]),
  );
}
