/** `rapport demo`: a workspace full of realistic, deterministic relationships to explore or benchmark. */
import type { Command } from 'commander';
import { emit, intOption, withDb } from '../context.js';

/** A progress bar on stderr, only for a person watching a terminal (never with --json). */
async function makeProgress(enabled: boolean, contacts: number) {
  if (!enabled) return { update: undefined, stop: () => undefined };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { format: '{phase} [{bar}] {percentage}% | {shown} | ETA {eta_formatted}', hideCursor: true, etaBuffer: 20, stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  const update = (done: number, total: number) => {
    // The service reports writing (0…contacts), scoring (…2×contacts) and the past year's
    // snapshots (…3×contacts) on one scale.
    const phase = Math.min(2, Math.floor(Math.max(0, done - 1) / contacts));
    const payload = {
      phase: ['writing', 'scoring', 'history'][phase],
      shown: phase === 2 ? `${Math.round(((done - 2 * contacts) / contacts) * 100)}% of the past year` : `${done - phase * contacts}/${contacts} contacts`,
    };
    if (!started) {
      bar.start(total, done, payload);
      started = true;
    } else bar.update(done, payload);
  };
  return { update, stop: () => (started ? bar.stop() : undefined) };
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('create a demo workspace with realistic, deterministic histories (same seed, same data)')
    .option('--contacts <n>', 'number of contacts (about 50 interactions each)', intOption('--contacts'), 200)
    .option('--seed <s>', 'random seed: the same seed gives the same people and counts on every engine, whenever it runs (without --now the data ends within the week before now)', intOption('--seed'), 1)
    .option('--slug <slug>', 'slug of the new workspace', 'demo')
    .option('--history', 'score the past year too, so health trends show at once (the default up to 2,000 contacts)')
    .option('--no-history', 'skip scoring the past year (faster for large demos)')
    .action(async (opts: { contacts: number; seed: number; slug: string; history?: boolean }, command: Command) => {
      await withDb(command, async (ctx) => {
        const { generateDemo, isHistoryByDefault } = await import('../../demo/demo.service.js');
        const progress = await makeProgress(!ctx.json && !!process.stderr.isTTY, opts.contacts);
        let result: Awaited<ReturnType<typeof generateDemo>>;
        try {
          result = await generateDemo(ctx.db, {
            contacts: opts.contacts,
            seed: opts.seed,
            now: ctx.now,
            isNowExact: ctx.isNowGiven,
            slug: opts.slug,
            onProgress: progress.update,
            history: opts.history ?? isHistoryByDefault(opts.contacts),
          });
        } finally {
          progress.stop();
        }
        const { workspace, contacts, interactions, seconds } = result;
        emit(
          ctx,
          { workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name }, contacts, interactions, seconds },
          () =>
            [
              `Created workspace ${workspace.name} (${workspace.slug}): ${contacts} contacts, ${interactions} interactions in ${seconds.toFixed(1)} s.`,
              `Next: rapport --workspace ${workspace.slug} today   (or: contacts --sort health, waiting)`,
            ].join('\n'),
        );
      }, { create: true });
    });
}
