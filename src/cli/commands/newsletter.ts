/**
 * `rapport newsletter …`: lists, subscribers, CSV import, campaigns (create, preview, test,
 * schedule, send, stats, release). Thin: every rule lives in src/newsletter.
 */
import type { Command } from 'commander';
import type { SendStats } from '../../newsletter/newsletter.schema.js';
import { emit, intOption, list, withWorkspace, type WorkspaceContext } from '../context.js';
import { table } from '../format.js';

async function readText(path: string, flag: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const { ValidationError } = await import('../../errors.js');
    throw new ValidationError(`${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `tag=vip,stage=prospect,kind=customer,status=cooling,engaged=90` → a segment. */
async function parseSegment(text: string | undefined) {
  if (text === undefined) return null;
  const { UsageError } = await import('../../errors.js');
  const segment: Record<string, unknown> = {};
  for (const part of list(text) ?? []) {
    const [key, value] = part.split('=').map((s) => s.trim()) as [string, string | undefined];
    if (!value) throw new UsageError(`--segment: expected key=value, got "${part}" (keys: tag, stage, kind, status, engaged)`);
    if (key === 'tag') segment.tags = [...((segment.tags as string[]) ?? []), value];
    else if (key === 'engaged') {
      if (!/^\d+$/.test(value)) throw new UsageError(`--segment: engaged expects a number of days, got "${value}"`);
      segment.engaged_days = Number(value);
    } else if (['stage', 'kind', 'status'].includes(key)) segment[key] = value;
    else throw new UsageError(`--segment: unknown key "${key}" (keys: tag, stage, kind, status, engaged)`);
  }
  return segment;
}

function describeStats(s: SendStats & { missed_reason?: string | null }): string {
  const lines = [
    `Campaign ${s.campaign_id}: ${s.status}; ${s.sent}/${s.total} sent, ${s.pending} pending, ${s.failed} failed, ${s.skipped} skipped, ${s.uncertain} uncertain`,
    `Opened by ${s.opened}, clicked by ${s.clicked}, ${s.unsubscribed} unsubscribed, ${s.bounced} bounced, ${s.complained} complained.`,
  ];
  if (s.status === 'missed') lines.push(`Missed: ${s.missed_reason ?? 'not started within its late limit'}. Send it now with: rapport newsletter campaign send ${s.campaign_id}, or schedule it again.`);
  if (s.uncertain > 0) lines.push(`${s.uncertain} uncertain: the server may have them; check its log, then resend those it has not with: rapport newsletter campaign release ${s.campaign_id} --email ADDR,…`);
  return lines.join('\n');
}

/** A progress bar on stderr, only for a person watching a terminal. */
async function makeProgress(enabled: boolean) {
  if (!enabled) return { update: undefined, stop: () => undefined };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ format: 'sending [{bar}] {value}/{total} | {failed} failed | {uncertain} uncertain | ETA {eta_formatted}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update: (s: SendStats) => {
      const done = s.sent + s.failed + s.skipped + s.uncertain;
      if (!started) bar.start(s.total, done, { failed: s.failed, uncertain: s.uncertain });
      started = true;
      bar.update(done, { failed: s.failed, uncertain: s.uncertain });
    },
    stop: () => started && bar.stop(),
  };
}

async function passwordFrom(variable: string | undefined): Promise<string | null> {
  if (!variable) return null;
  const { readPassword } = await import('./accounts.js');
  return readPassword(variable);
}

async function smtpOf(ctx: WorkspaceContext, opts: { smtp?: string; passwordEnv?: string; account?: string }) {
  const [{ smtpTargetFromAccount, smtpTargetFromUrl }, { readEnv }, { loadMailKey }] = await Promise.all([
    import('../../newsletter/smtp-target.js'),
    import('../../config.js'),
    import('../../mail/secret-box.js'),
  ]);
  if (opts.smtp) return smtpTargetFromUrl(opts.smtp, await passwordFrom(opts.passwordEnv));
  const env = readEnv();
  return smtpTargetFromAccount(ctx.db, ctx.ws, loadMailKey({ secret: env.RAPPORT_SECRET, dataDir: ctx.globals.data ?? env.RAPPORT_DATA ?? './data' }), opts.account);
}

function registerCampaignCommands(newsletter: Command): void {
  const campaign = newsletter.command('campaign').description('campaigns: write in Markdown, preview, send exactly once, read the stats');
  campaign
    .command('create <list>')
    .description('create a draft from a Markdown file with front matter (subject, preheader)')
    .requiredOption('--file <path>', 'the issue in Markdown; required')
    .option('--segment <conditions>', 'narrow the list: tag=T,stage=S,kind=K,status=S,engaged=DAYS (all must hold)')
    .option('--no-tracking', 'no open pixel or click redirects')
    .option('--late-limit <hours>', 'a scheduled send this many hours late does not start (default 6)', intOption('--late-limit'))
    .option('--at <time>', 'schedule it (ISO 8601; without an offset, in the workspace’s zone)')
    .action(async (listRef: string, opts: { file: string; segment?: string; tracking: boolean; lateLimit?: number; at?: string }, command: Command) => {
      const markdown = await readText(opts.file, '--file');
      const segment = await parseSegment(opts.segment);
      await withWorkspace(command, async (ctx) => {
        const { createCampaign, scheduleCampaign } = await import('../../newsletter/campaigns.service.js');
        let created = await createCampaign(ctx.db.kysely, ctx.ws, { list: listRef, markdown, segment, tracking: opts.tracking, late_limit_hours: opts.lateLimit }, ctx.now, { file: opts.file });
        if (opts.at) created = await scheduleCampaign(ctx.db.kysely, ctx.ws, created.id, opts.at, ctx.now);
        emit(ctx, created, () => `Campaign ${created.id} created (${created.status}): "${created.subject}". Preview: rapport newsletter campaign preview ${created.id}`);
      });
    });
  campaign
    .command('ls')
    .description('campaigns, newest first')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { listCampaigns } = await import('../../newsletter/campaigns.service.js');
        const { items } = await listCampaigns(ctx.db.kysely, ctx.ws, { limit: 500 });
        const missed = items.filter((c) => c.status === 'missed').map((c) => `${c.id} missed: ${c.missed_reason}. Send it now (campaign send) or schedule it again.`);
        emit(ctx, items, () => (items.length === 0 ? 'No campaign yet.' : [table(['id', 'status', 'subject', 'created'], items.map((c) => [c.id, c.status, c.subject, c.created_at.slice(0, 16)])), ...missed].join('\n')));
      });
    });
  campaign
    .command('preview <id>')
    .description('the copy one subscriber would get (default: the first recipient, or a sample)')
    .option('--subscriber <email>', 'render it for this subscriber (address or id)')
    .option('--html', 'print the HTML part instead of the text')
    .action(async (id: string, opts: { subscriber?: string; html?: boolean }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { previewCampaign } = await import('../../newsletter/campaigns.service.js');
        const preview = await previewCampaign(ctx.db.kysely, ctx.ws, id, opts.subscriber, ctx.now);
        emit(ctx, preview, () => (opts.html ? preview.html : `To: ${preview.to} (1 of ${preview.recipients} recipients)\nSubject: ${preview.subject}\n\n${preview.text}`));
      });
    });
  campaign
    .command('schedule <id> [time]')
    .description('send at a time (ISO 8601; without an offset, in the workspace’s zone); --clear takes it back to draft')
    .option('--clear', 'unschedule')
    .action(async (id: string, time: string | undefined, opts: { clear?: boolean }, command: Command) => {
      const { UsageError } = await import('../../errors.js');
      if (!time && !opts.clear) throw new UsageError('schedule: give a time, or --clear');
      await withWorkspace(command, async (ctx) => {
        const { scheduleCampaign } = await import('../../newsletter/campaigns.service.js');
        const done = await scheduleCampaign(ctx.db.kysely, ctx.ws, id, opts.clear ? null : (time as string), ctx.now);
        emit(ctx, done, () => (done.scheduled_at ? `Campaign ${id} scheduled for ${done.scheduled_at}.` : `Campaign ${id} is a draft again.`));
      });
    });
  const smtpOptions = (c: Command) =>
    c
      .option('--smtp <url>', 'smtps://user@host[:port] or smtp://[user@]host[:port] (default: the workspace’s mail account)')
      .option('--password-env <var>', 'environment variable holding the SMTP password (with --smtp)')
      .option('--account <account>', 'the mail account to send through (id or name; default the first)');
  smtpOptions(campaign.command('test <id>').description('send one copy to yourself, "[Test]" in the subject; nothing is recorded').requiredOption('--to <email>', 'your address; required')).action(
    async (id: string, opts: { to: string; smtp?: string; passwordEnv?: string; account?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { testSendCampaign } = await import('../../newsletter/sender.js');
        const sent = await testSendCampaign(ctx.db, ctx.ws, id, opts.to, await smtpOf(ctx, opts), ctx.now);
        emit(ctx, sent, () => `Test copy sent to ${sent.to}.`);
      });
    },
  );
  smtpOptions(
    campaign
      .command('send <id>')
      .description('send the campaign, exactly once per recipient; run it again to resume after a stop (a missed campaign is sent now)')
      .option('--rate <n>', 'messages per second at most (default 20; 0: no limit)', intOption('--rate'))
      .option('--concurrency <n>', 'SMTP connections at once (default 4)', intOption('--concurrency')),
  ).action(async (id: string, opts: { smtp?: string; passwordEnv?: string; account?: string; rate?: number; concurrency?: number }, command: Command) => {
    await withWorkspace(command, async (ctx) => {
      const { sendCampaign } = await import('../../newsletter/sender.js');
      const { reopenMissedCampaign } = await import('../../newsletter/campaigns.service.js');
      const smtp = await smtpOf(ctx, opts);
      await reopenMissedCampaign(ctx.db.kysely, ctx.ws, id, ctx.now);
      const progress = await makeProgress(!ctx.json && !!process.stderr.isTTY);
      let stats: SendStats;
      try {
        stats = await sendCampaign(ctx.db, ctx.ws, id, { smtp, rate: opts.rate ?? 20, concurrency: opts.concurrency ?? 4, onProgress: progress.update });
      } finally {
        progress.stop();
      }
      emit(ctx, stats, () => describeStats(stats));
    });
  });
  campaign
    .command('stats <id>')
    .description('how far the send is, and who opened, clicked, unsubscribed, bounced or complained')
    .action(async (id: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { campaignStatsWithState } = await import('../../newsletter/campaign-state.js');
        const stats = await campaignStatsWithState(ctx.db, ctx.ws, id);
        emit(ctx, stats, () => describeStats(stats));
      });
    });
  campaign
    .command('release <id>')
    .description('put uncertain recipients back in the queue (only those you know did not get it): the next send resends them')
    .option('--email <list>', 'only these addresses, comma-separated (default: every uncertain one)')
    .option('--as-sent', 'record instead that they did get it (nothing is resent)')
    .action(async (id: string, opts: { email?: string; asSent?: boolean }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { releaseUncertain } = await import('../../newsletter/sender.js');
        const result = await releaseUncertain(ctx.db, ctx.ws, id, list(opts.email) ?? null, { asSent: opts.asSent, now: ctx.now });
        emit(ctx, result, () => (opts.asSent ? `${result.released} recorded as sent.` : `${result.released} released; send them with: rapport newsletter campaign send ${id}`));
      });
    });
}

export function registerNewsletterCommands(program: Command): void {
  const newsletter = program.command('newsletter').description('the newsletter: lists, subscribers, campaigns sent exactly once');
  const lists = newsletter.command('list').description('newsletter lists');
  lists
    .command('add <name>')
    .description('create a list')
    .option('--from <email>', 'sender address of its campaigns (default the mail account’s)')
    .option('--from-name <name>', 'sender name (default the workspace’s name)')
    .option('--description <text>', 'what the list is about')
    .action(async (name: string, opts: { from?: string; fromName?: string; description?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { createList } = await import('../../newsletter/subscribers.service.js');
        const created = await createList(ctx.db.kysely, ctx.ws, { name, from_address: opts.from, from_name: opts.fromName, description: opts.description }, ctx.now);
        emit(ctx, created, () => `List "${created.name}" created (${created.id}).`);
      });
    });
  lists
    .command('ls')
    .description('lists with their subscribers by status')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { listLists } = await import('../../newsletter/subscribers.service.js');
        const all = await listLists(ctx.db.kysely, ctx.ws);
        emit(ctx, all, () =>
          all.length === 0
            ? 'No list yet. Create one with: rapport newsletter list add NAME'
            : table(['id', 'name', 'confirmed', 'unconfirmed', 'unsubscribed', 'bounced', 'complained'], all.map((l) => [l.id, l.name, ...Object.values(l.subscribers).map(String)])),
        );
      });
    });

  newsletter
    .command('subscribe <list> <email>')
    .description('add an address to a list; without --confirmed it waits for the double opt-in')
    .option('--confirmed', 'the address already gave its consent: no confirmation needed')
    .option('--name <name>', 'the subscriber’s name')
    .action(async (listRef: string, email: string, opts: { confirmed?: boolean; name?: string }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { subscribe } = await import('../../newsletter/subscribers.service.js');
        const sub = await subscribe(ctx.db.kysely, ctx.ws, listRef, { email, name: opts.name, confirmed: !!opts.confirmed }, 'cli', ctx.now);
        emit(ctx, sub, () =>
          sub.status === 'confirmed' ? `${sub.email} is subscribed (confirmed).` : `${sub.email} is subscribed but unconfirmed: it gets campaigns once it confirms its subscription.`,
        );
      });
    });
  newsletter
    .command('unsubscribe <list> <email>')
    .description('take an address off a list (it can subscribe again)')
    .action(async (listRef: string, email: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { unsubscribe } = await import('../../newsletter/subscribers.service.js');
        const sub = await unsubscribe(ctx.db.kysely, ctx.ws, listRef, email, ctx.now);
        emit(ctx, sub, () => `${sub.email} is unsubscribed.`);
      });
    });
  newsletter
    .command('import <list> <file>')
    .description('import subscribers from CSV (email[,name]); all or nothing, bad rows named by line')
    .option('--confirmed', 'they gave their consent elsewhere: import them confirmed (default unconfirmed)')
    .action(async (listRef: string, file: string, opts: { confirmed?: boolean }, command: Command) => {
      const csv = await readText(file, 'FILE');
      await withWorkspace(command, async (ctx) => {
        const { importSubscribers } = await import('../../newsletter/subscriber-import.js');
        const result = await importSubscribers(ctx.db, ctx.ws, listRef, csv, { confirmed: !!opts.confirmed, file }, ctx.now);
        emit(ctx, result, () =>
          [
            `${result.added} added (${result.status}), ${result.already} already on the list.`,
            ...(result.suppressed.length > 0 ? [`${result.suppressed.length} left out, they bounced or complained: ${result.suppressed.slice(0, 10).join(', ')}`] : []),
          ].join('\n'),
        );
      });
    });
  newsletter
    .command('public-url [url]')
    .description('show or set where people reach this Rapport (https://…): newsletter links are built on it')
    .action(async (url: string | undefined, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { updateWorkspaceSettings } = await import('../../workspaces/workspaces.service.js');
        const ws = url === undefined ? ctx.ws : await updateWorkspaceSettings(ctx.db.kysely, ctx.ws, { public_url: url }, ctx.now);
        const value = ws.settings.public_url;
        emit(ctx, { public_url: value }, () => value ?? 'Not set. Set it with: rapport newsletter public-url https://crm.example.com');
      });
    });
  registerCampaignCommands(newsletter);
}
