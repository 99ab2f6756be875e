/** `rapport export vcard|csv [--out FILE]`: every contact, as vCard 4.0 or CSV, to stdout or a file. */
import { Argument, type Command } from 'commander';
import { emit, globalsOf, withWorkspace } from '../context.js';

export function registerExportCommands(program: Command): void {
  program
    .command('export')
    .description('export contacts as vCard 4.0 or CSV (spreadsheet formulas neutralised) to stdout or --out FILE')
    .addArgument(new Argument('<format>', 'vcard or csv').choices(['vcard', 'csv']))
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (format: 'vcard' | 'csv', opts: { out?: string }, command: Command) => {
      if (!opts.out && globalsOf(command).json) {
        const { UsageError } = await import('../../errors.js');
        // --json promises one JSON document; the export itself is vCard or CSV.
        throw new UsageError(`export ${format} --json needs --out FILE: the export goes to the file and the JSON summary to stdout`);
      }
      await withWorkspace(command, async (ctx) => {
        const { exportContacts } = await import('../../import/contacts/contacts-export.js');
        if (!opts.out) {
          await exportContacts(ctx.db, ctx.ws, format, ctx.now, (chunk) => writeStdout(chunk));
          return;
        }
        const { open } = await import('node:fs/promises');
        const { ValidationError } = await import('../../errors.js');
        const file = await open(opts.out, 'w').catch((error: NodeJS.ErrnoException) => {
          throw new ValidationError(`--out ${opts.out}: cannot write: ${error.code ?? error.message}`);
        });
        let count: number;
        try {
          count = await exportContacts(ctx.db, ctx.ws, format, ctx.now, async (chunk) => {
            await file.write(chunk);
          });
        } finally {
          await file.close();
        }
        emit(ctx, { format, file: opts.out, contacts: count }, () => `Exported ${count} contacts to ${opts.out} (${format}).`);
      });
    });
}

function writeStdout(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
