/** Data safety: `rapport backup`, `restore`, `migrate-db` and `migrate`. */
import type { Command } from 'commander';
import type { CopyProgress } from '../../ops/table-copy.js';
import { emit, withDb, withWorkspace } from '../context.js';

/** Table-by-table progress on stderr, only for a person watching a terminal. */
function progressPrinter(enabled: boolean): ((p: CopyProgress) => void) | undefined {
  if (!enabled) return undefined;
  let lastAt = 0;
  return (p) => {
    const now = Date.now();
    if (now - lastAt < 200 && p.tablesDone < p.tablesTotal) return;
    lastAt = now;
    process.stderr.write(`\r\x1b[K[${p.tablesDone}/${p.tablesTotal} tables] ${p.table}: ${p.rows.toLocaleString('en')} rows`);
    if (p.tablesDone === p.tablesTotal) process.stderr.write('\n');
  };
}

export function registerOpsCommands(program: Command): void {
  program
    .command('backup')
    .description('write a consistent backup of the whole database to FILE, while the server may keep running')
    .argument('<file>', 'backup file to write (a SQLite database file, whatever the engine)')
    .option('--force', 'overwrite FILE when it exists')
    .action(async (file: string, opts: { force?: boolean }, command: Command) => {
      await withDb(command, async (ctx) => {
        const { backupDatabase } = await import('../../ops/backup.service.js');
        const result = await backupDatabase(ctx.db, file, { force: opts.force, onProgress: progressPrinter(!ctx.json && !!process.stderr.isTTY) });
        emit(ctx, result, () => `Backed up the ${result.engine === 'sqlite' ? 'embedded' : 'PostgreSQL'} database to ${result.file} (${(result.bytes / 1048576).toFixed(1)} MiB).`);
      });
    });

  program
    .command('restore')
    .description('replace the database with the contents of a backup made by `rapport backup`')
    .argument('<file>', 'backup file')
    .option('--force', 'replace a database that already holds data (in one transaction)')
    .action(async (file: string, opts: { force?: boolean }, command: Command) => {
      await withDb(command, async (ctx) => {
        const { restoreDatabase } = await import('../../ops/backup.service.js');
        const result = await restoreDatabase(ctx.db, file, { force: opts.force, onProgress: progressPrinter(!ctx.json && !!process.stderr.isTTY) });
        emit(ctx, result, () => `Restored ${result.rows.toLocaleString('en')} rows in ${result.tables} tables from ${file}.`);
      }, { create: true });
    });

  program
    .command('migrate-db')
    .description('copy the embedded database into an empty PostgreSQL database; the embedded one is left as it was')
    .requiredOption('--to <url>', 'postgres://… URL of the target database (required)')
    .action(async (opts: { to: string }, command: Command) => {
      await withDb(command, async (ctx) => {
        const { migrateToPostgres } = await import('../../ops/backup.service.js');
        const result = await migrateToPostgres(ctx.db, opts.to, { onProgress: progressPrinter(!ctx.json && !!process.stderr.isTTY) });
        emit(ctx, result, () =>
          [
            `Copied ${result.rows.toLocaleString('en')} rows in ${result.tables} tables to ${result.target}.`,
            'Next: run rapport with --db and that URL, or set DATABASE_URL to it.',
          ].join('\n'),
        );
      });
    });

  program
    .command('export-workspace')
    .description('write one workspace (--workspace, or the only one) to FILE as a JSON archive, without credentials')
    .argument('<file>', 'archive file to write')
    .option('--force', 'overwrite FILE when it exists')
    .action(async (file: string, opts: { force?: boolean }, command: Command) => {
      await withWorkspace(command, async (ctx) => {
        const { exportWorkspace } = await import('../../ops/workspace-archive.service.js');
        const result = await exportWorkspace(ctx.db, ctx.ws, file, { force: opts.force });
        emit(ctx, { workspace: ctx.ws.slug, ...result }, () => `Exported workspace ${ctx.ws.name} (${ctx.ws.slug}): ${result.rows.toLocaleString('en')} rows to ${result.file}.`);
      });
    });

  program
    .command('import-workspace')
    .description('add a workspace from an archive written by export-workspace; members are matched by email')
    .argument('<file>', 'archive file')
    .option('--slug <slug>', 'slug for the workspace here (default: its own)')
    .action(async (file: string, opts: { slug?: string }, command: Command) => {
      await withDb(command, async (ctx) => {
        const { importWorkspace } = await import('../../ops/workspace-archive.service.js');
        const result = await importWorkspace(ctx.db, file, { slug: opts.slug });
        emit(ctx, result, () =>
          [
            `Imported workspace ${result.slug}: ${result.rows.toLocaleString('en')} rows.`,
            result.users_created ? `${result.users_created} member(s) new here have no password yet: rapport --workspace ${result.slug} user create EMAIL --role ROLE --password-env VAR sets one.` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }, { create: true });
    });

  program
    .command('migrate')
    .description('bring the database to this version of rapport: apply pending schema migrations (--status lists them)')
    .option('--status', 'list the migrations and whether each is applied, changing nothing')
    .action(async (opts: { status?: boolean }, command: Command) => {
      await withDb(
        command,
        async (ctx) => {
          const { migrateToLatest, migrationStatus } = await import('../../db/database.js');
          if (opts.status) {
            const status = await migrationStatus(ctx.db);
            emit(ctx, status, () => status.map((m) => `${m.applied ? 'applied' : 'pending'}  ${m.name}`).join('\n'));
            return;
          }
          const applied = await migrateToLatest(ctx.db);
          emit(ctx, { applied }, () => (applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}.` : 'The database is up to date.'));
        },
        { migrate: false },
      );
    });
}
