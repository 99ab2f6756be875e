/** `health`, `waiting`, `contact`, `rescore` and `settings`: the §4 metrics and §5 health. */
import type { Command } from 'commander';
import type { OwnAddressesResult } from '../../import/mail/rederive.service.js';
import { emit, intOption, withWorkspace } from '../context.js';

export function registerHealthCommands(program: Command): void {
  program
    .command('health')
    .description('attentiveness metrics (reply times, open waits, nudges, engagement, attention, care) and relationship health with its explanations, of one contact')
    .argument('<contact>', 'email address or id')
    .action(async (ref: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ getContactHealth }, { renderHealth }] = await Promise.all([
          import('../../health/health.service.js'),
          import('../../health/health.render.js'),
        ]);
        const health = await getContactHealth(ctx.db.kysely, ctx.ws, ref, ctx.now);
        emit(ctx, health, () => renderHealth(health, ctx.ws));
      });
    });

  program
    .command('waiting')
    .description('open waits: people waiting for your reply, oldest first')
    .option('--limit <n>', 'show the N oldest only', intOption('--limit'))
    .action(async (opts: { limit?: number }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ listOpenWaitPage }, { renderWaits }] = await Promise.all([
          import('../../health/health.service.js'),
          import('../../health/health.render.js'),
        ]);
        const { total, waits } = await listOpenWaitPage(ctx.db.kysely, ctx.ws, ctx.now, opts.limit);
        emit(ctx, waits, () => renderWaits(waits, ctx.ws, total));
      });
    });

  program
    .command('contact')
    .description('one contact: profile, facts, metrics, health and recent timeline')
    .argument('<contact>', 'email address or id')
    .action(async (ref: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ findContactOrThrow }, { getContactHealth }, { listFacts }, { listTimeline }, { renderContact }] = await Promise.all([
          import('../../contacts/contacts.service.js'),
          import('../../health/health.service.js'),
          import('../../facts/facts.service.js'),
          import('../../interactions/interactions.service.js'),
          import('../../health/health.render.js'),
        ]);
        const contact = await findContactOrThrow(ctx.db.kysely, ctx.ws, ref, ctx.now);
        const [health, facts, timeline] = await Promise.all([
          getContactHealth(ctx.db.kysely, ctx.ws, contact.id, ctx.now),
          listFacts(ctx.db.kysely, ctx.ws, { contact: contact.id }),
          listTimeline(ctx.db.kysely, ctx.ws, contact.id, 10),
        ]);
        const live = { score: health.score, status: health.status, slipping: health.slipping };
        emit(ctx, { ...contact, health: live, factors: health.factors, metrics: health.metrics, facts, timeline }, () => renderContact({ contact, facts, health, timeline }, ctx.ws));
      });
    });

  program
    .command('rescore')
    .description('recompute the health of every contact of the workspace and keep today’s snapshot')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ rescoreWorkspace }, { watchWorkspace }] = await Promise.all([import('../../health/health.service.js'), import('../../webhooks/change-events.js')]);
        const showProgress = !ctx.json && process.stderr.isTTY;
        const watch = await watchWorkspace(ctx.db.kysely, ctx.ws, ctx.now, { waits: false });
        const result = await rescoreWorkspace(ctx.db, ctx.ws, ctx.now, (done, total) => {
          if (showProgress) process.stderr.write(`\rrescoring ${done}/${total} contacts`);
        });
        await watch.finish();
        if (showProgress) process.stderr.write('\n');
        emit(ctx, result, () => `Rescored ${result.contacts} contacts in ${result.seconds.toFixed(1)} s.`);
      });
    });

  const settings = program
    .command('settings')
    .description('show the workspace settings (time zone, hours, metric parameters, weights, SLA)')
    .action(async (_opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { renderSettings } = await import('../../health/health.render.js');
        emit(ctx, ctx.ws.settings, () => renderSettings(ctx.ws));
      });
    });
  settings
    .command('get')
    .description('print one setting')
    .argument('<key>', 'e.g. nudge_gap_s, business_hours, weights.care, sla')
    .action(async (key: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { ValidationError } = await import('../../errors.js');
        let value: unknown = ctx.ws.settings;
        for (const part of key.split('.')) {
          if (value === null || typeof value !== 'object' || !(part in value)) throw new ValidationError(`unknown setting "${key}"`);
          value = (value as Record<string, unknown>)[part];
        }
        emit(ctx, value, () => (typeof value === 'string' ? value : JSON.stringify(value)));
      });
    });
  settings
    .command('set')
    .description(
      'change one setting: own_addresses "me@acme.example,me@gmail.com" and own_domains "acme.example" (stored mail is ' +
        'derived again and every contact rescored), nudge_gap 4h, honeymoon_days 90, today_plan_size 10, time_zone Europe/Berlin, locale de-DE (how the web app writes dates), business_hours "mon-fri 09:00-17:00", ' +
        'competitors "A,B", achievement_patterns "opened a new branch,hit 1000 customers", weights.care 0.2, sla.default 8h, sla.tag.VIP 4h, sla.contact.ada@x.com 2h',
    )
    .argument('<key>')
    .argument('<value>')
    .action(async (key: string, value: string, _opts: unknown, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const [{ settingPatch }, { updateWorkspaceSettings }, { resolveContactId }] = await Promise.all([
          import('../../health/settings-keys.js'),
          import('../../workspaces/workspaces.service.js'),
          import('../../contacts/contacts.service.js'),
        ]);
        const patch = await settingPatch(ctx.ws.settings, key, value, (ref) => resolveContactId(ctx.db.kysely, ctx.ws, ref));
        if ('own_addresses' in patch || 'own_domains' in patch) {
          const { changeOwnAddresses } = await import('../../import/mail/rederive.service.js');
          const showProgress = !ctx.json && process.stderr.isTTY;
          const { workspace, result } = await changeOwnAddresses(ctx.db, ctx.ws, patch, ctx.now, (phase, done, total) => {
            if (showProgress) process.stderr.write(`\r${phase === 'mail' ? 'deriving mail again' : 'rescoring contacts'} ${done}/${total}\x1b[K`);
          });
          if (showProgress) process.stderr.write('\n');
          emit(ctx, { settings: workspace.settings, ...result }, () => renderOwnAddressesChange(key, result));
          return;
        }
        const ws = await updateWorkspaceSettings(ctx.db.kysely, ctx.ws, patch, ctx.now);
        emit(ctx, ws.settings, () => `Set ${key}. Stored health uses the new value after \`rapport rescore\`.`);
      });
    });
}

function renderOwnAddressesChange(key: string, r: OwnAddressesResult): string {
  const lines = [
    `Set ${key}. Looked at ${r.messages} emails again: ${r.changed} changed direction or counterparts, ${r.contacts_created} new contacts; rescored ${r.rescored} contacts.`,
  ];
  if (r.messages_without_addresses > 0) {
    lines.push(`${r.messages_without_addresses} emails imported by an older version of Rapport keep their direction and counterparts (their recipients were not kept).`);
  }
  if (r.own_contacts.length > 0) {
    lines.push(`These contacts have an address that is your own now: ${r.own_contacts.map((c) => `${c.name} <${c.email}>`).join(', ')}.`);
  }
  return lines.join('\n');
}
