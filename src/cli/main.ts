/**
 * The `rapport` command line (SPEC §8.1). Exit codes: 0 success, 1 failure with a one-line
 * message on stderr, 2 usage error. Each domain registers its commands from cli/commands.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerFoundationCommands } from './commands/foundation.js';
import { registerFactCommands } from './commands/facts.js';
import { registerTodayCommands } from './commands/today.js';
import { registerImportCommands } from './commands/import.js';
import { registerExportCommands } from './commands/export.js';
import { registerHealthCommands } from './commands/health.js';
import { registerServeCommands } from './commands/serve.js';
import { registerWorkerCommands } from './commands/worker.js';
import { registerAccountCommands } from './commands/accounts.js';
import { registerDemoCommands } from './commands/demo.js';
import { registerOpsCommands } from './commands/ops.js';
import { registerMailCommands } from './commands/mail.js';
import { registerNewsletterCommands } from './commands/newsletter.js';
import { registerNewsletterGrowCommands } from './commands/newsletter-grow.js';

export function buildProgram(): Command {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('rapport')
    .version(version, '-V, --version', 'print the version')
    .description('Relationship care: measure attentiveness, score relationship health, act on what matters today.')
    .option('--data <dir>', 'embedded database folder (env RAPPORT_DATA)', undefined)
    .option('--db <url>', 'database URL; postgres://… selects PostgreSQL (env DATABASE_URL)')
    .option('--workspace <slug>', 'workspace to work on (default: the only one)')
    .option('--now <iso>', 'the instant metrics are computed at (env RAPPORT_NOW)')
    .option('--json', 'machine output on stdout, nothing else')
    .showHelpAfterError('(run `rapport --help` for usage)')
    .enablePositionalOptions(false)
    .exitOverride();
  registerFoundationCommands(program);
  registerTodayCommands(program);
  registerFactCommands(program);
  registerImportCommands(program);
  registerExportCommands(program);
  registerHealthCommands(program);
  registerServeCommands(program);
  registerWorkerCommands(program);
  registerAccountCommands(program);
  registerDemoCommands(program);
  registerOpsCommands(program);
  registerMailCommands(program);
  registerNewsletterCommands(program);
  registerNewsletterGrowCommands(program);
  for (const command of program.commands) applyExitOverride(command, 'rapport');
  return program;
}

/** Usage errors end with the help of the command that was mistyped, not the program's. */
function applyExitOverride(command: Command, parent: string) {
  const path = `${parent} ${command.name()}`;
  command.exitOverride().showHelpAfterError(`(run \`${path} --help\` for usage)`);
  for (const sub of command.commands) applyExitOverride(sub, path);
}

const USAGE_CODES = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.invalidArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return USAGE_CODES.has(error.code) ? 2 : error.exitCode || 1;
    }
    const e = error as { message?: string };
    const { isAppError } = await import('../errors.js');
    if (isAppError(error)) {
      process.stderr.write(`rapport: ${error.message}\n`);
      return error.code === 'usage' ? 2 : 1;
    }
    process.stderr.write(`rapport: ${e.message ?? String(error)}\n`);
    if (process.env.RAPPORT_DEBUG) console.error(error);
    return 1;
  }
}
