/** `rapport import PATH… [--format …]`: mail, contacts and calendars into the workspace (SPEC §3). */
import { type Command, Option } from 'commander';
import type { ImportProgress, ImportSummary } from '../../import/import.types.js';
import { emit, intOption, withWorkspace } from '../context.js';

// Kept here rather than imported from the service, so that `--help` loads no importer.
const FORMATS = ['mbox', 'eml', 'maildir', 'vcard', 'csv', 'ics'] as const;

function parseMap(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const map: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new (class extends Error { code = 'commander.invalidArgument'; })(`--map expects field=Column pairs, got "${pair}"`);
    map[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return map;
}

export function describeSummary(s: ImportSummary, includedLists = false): string {
  const lines = [
    `Read ${s.read}, imported ${s.imported}, duplicates ${s.duplicates}, automated ${s.automated}, malformed ${s.malformed}.`,
    `Contacts created: ${s.contacts_created}. Threads: ${s.threads}. ${s.seconds.toFixed(1)} s.`,
  ];
  // Mostly list mail gives an empty workspace that looks like a failed import.
  if (!includedLists && s.imported > 0 && s.automated * 2 > s.imported) {
    lines.push(
      `${s.automated} of ${s.imported} messages are automated or mailing-list mail: stored, but they make no contacts and no metrics. ` +
        'To count list mail, import it with --include-lists (or rapport settings set include_lists true); messages already stored keep their flag.',
    );
  }
  if (s.errors.length > 0) {
    lines.push('Skipped:');
    for (const e of s.errors) lines.push(`  ${e.where}: ${e.reason}`);
    if (s.malformed > s.errors.length) lines.push(`  … and ${s.malformed - s.errors.length} more`);
  }
  return lines.join('\n');
}

/** A progress bar on stderr (count, rate, ETA), only for a person watching a terminal. */
async function makeProgress(enabled: boolean) {
  if (!enabled) return { update: undefined, stop: () => undefined };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { format: '{file} [{bar}] {percentage}% | {shown} | {speed} | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50, stream: process.stderr },
    Presets.shades_classic,
  );
  let current = '';
  const startedAt = Date.now();
  const update = (path: string, p: ImportProgress) => {
    const mb = p.unit === 'bytes';
    const scale = mb ? 1024 * 1024 : 1;
    const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
    const payload = {
      file: path.split('/').pop(),
      shown: mb ? `${(p.done / scale).toFixed(1)}/${((p.total ?? 0) / scale).toFixed(1)} MB` : `${p.done}/${p.total ?? '?'} ${p.unit}`,
      speed: mb ? `${(p.done / scale / seconds).toFixed(1)} MB/s` : `${Math.round(p.done / seconds)} ${p.unit}/s`,
    };
    if (path !== current) {
      if (current) bar.stop();
      current = path;
      bar.start(p.total ?? p.done, p.done, payload);
    } else {
      bar.setTotal(p.total ?? p.done);
      bar.update(p.done, payload);
    }
  };
  return {
    update,
    stop: () => {
      if (current) bar.stop();
      current = '';
    },
  };
}

export function registerImportCommands(program: Command): void {
  program
    .command('import')
    .description('import mail (mbox, .eml, Maildir), contacts (vCard, CSV) and meetings (iCalendar); resumable')
    .argument('<paths...>', 'files or folders; the format is detected unless --format says')
    .addOption(new Option('--format <format>', 'mbox, eml, maildir, vcard, csv or ics').choices(FORMATS))
    .option('--include-lists', 'count mailing-list mail (List-Id, List-Unsubscribe, Precedence: list) like personal mail in this import')
    .option('--map <pairs>', 'CSV columns: field=Column,… (e.g. email=E-mail Address,name=Full Name)')
    .addOption(new Option('--workers <n>', 'mail parser threads (0: parse on the main thread)').argParser(intOption('--workers')).hideHelp())
    .action(async (paths: string[], opts: { format?: (typeof FORMATS)[number]; map?: string; workers?: number; includeLists?: boolean }, command: Command) => {
      const map = parseMap(opts.map);
      await withWorkspace(command, async (ctx) => {
        const [{ importPaths }, { watchWorkspace }] = await Promise.all([import('../../import/import.service.js'), import('../../webhooks/change-events.js')]);
        const progress = await makeProgress(!ctx.json && !!process.stderr.isTTY);
        // Webhooks hear of the statuses the import changed and the waits it opened.
        const watch = await watchWorkspace(ctx.db.kysely, ctx.ws, ctx.now, { waits: true });
        try {
          const summary = await importPaths(ctx.db, ctx.ws, paths, ctx.now, {
            format: opts.format,
            map,
            workers: opts.workers,
            includeLists: opts.includeLists,
            onProgress: progress.update,
          });
          progress.stop();
          await watch.finish();
          emit(ctx, summary, () => describeSummary(summary, !!opts.includeLists || ctx.ws.settings.include_lists));
        } finally {
          progress.stop();
        }
      });
    });
}
