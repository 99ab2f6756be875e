/**
 * What every command shares: the global flags (SPEC §8.1), opening the database, choosing the
 * workspace and `now`, and printing. Kept light: services are imported by the actions that
 * need them, so `rapport --help` stays fast.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Db } from '../db/database.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';

export interface GlobalOptions {
  data?: string;
  db?: string;
  workspace?: string;
  now?: string;
  json?: boolean;
}

export interface DbContext {
  db: Db;
  now: number;
  /** Whether --now or RAPPORT_NOW set the instant (else it is the clock's). */
  isNowGiven: boolean;
  json: boolean;
  globals: GlobalOptions;
}

export interface WorkspaceContext extends DbContext {
  ws: Workspace;
}

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

async function resolveNow(globals: GlobalOptions): Promise<number> {
  const { readEnv } = await import('../config.js');
  const text = globals.now ?? readEnv().RAPPORT_NOW;
  if (!text) return Date.now();
  if (globals.now) return parseInstantFlag(text, '--now');
  const { parseInstant } = await import('../shared/time.js');
  return parseInstant(text, 'RAPPORT_NOW');
}

/**
 * The time a flag gives (ISO 8601, read in `zone` without an offset), within the range
 * Rapport stores. A value that is no such time is a usage error (exit 2) naming the flag.
 */
export async function parseInstantFlag(text: string, flag: string, zone = 'UTC'): Promise<number> {
  const { parseInstant } = await import('../shared/time.js');
  return asUsage(() => parseInstant(text, flag, zone));
}

/** The calendar day (YYYY-MM-DD) a flag gives, within the stored range; else a usage error naming the flag. */
export async function parseDayFlag(text: string, flag: string): Promise<string> {
  const { parseDay } = await import('../shared/time.js');
  return asUsage(() => parseDay(text, flag));
}

async function asUsage<T>(parse: () => T): Promise<T> {
  const { isAppError, UsageError } = await import('../errors.js');
  try {
    return parse();
  } catch (error) {
    throw isAppError(error) ? new UsageError(error.message) : error;
  }
}

/** "rapport token create": how this process is named to others waiting for the database. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Opens the database named by --db / DATABASE_URL, else the embedded one in --data / RAPPORT_DATA.
 * Only commands that make or fill a database (`create`) start an embedded one that is not
 * there: a mistyped --data for any other command is an error, not a new empty database.
 */
export async function withDb<T>(command: Command, fn: (ctx: DbContext) => Promise<T>, options: { migrate?: boolean; create?: boolean } = {}): Promise<T> {
  const globals = globalsOf(command);
  const now = await resolveNow(globals);
  const [{ readEnv }, { openDatabase }] = await Promise.all([import('../config.js'), import('../db/database.js')]);
  const env = readEnv();
  if (!options.create && !(globals.db ?? env.DATABASE_URL)) {
    const [{ existsSync }, { join, resolve }] = await Promise.all([import('node:fs'), import('node:path')]);
    const dir = resolve(globals.data ?? env.RAPPORT_DATA ?? './data');
    if (!existsSync(join(dir, 'rapport.db'))) {
      const { AppError } = await import('../errors.js');
      throw new AppError('not_found', `no Rapport database in ${dir}: check --data (or RAPPORT_DATA), or start one with rapport init or rapport demo`);
    }
  }
  const db = await openDatabase({ url: globals.db ?? env.DATABASE_URL, dataDir: globals.data ?? env.RAPPORT_DATA, processName: commandPath(command), migrate: options.migrate });
  try {
    return await fn({ db, now, isNowGiven: !!(globals.now ?? env.RAPPORT_NOW), json: !!globals.json, globals });
  } finally {
    await db.close();
  }
}

/** withDb, plus the workspace chosen by --workspace (or the only one). */
export async function withWorkspace<T>(command: Command, fn: (ctx: WorkspaceContext) => Promise<T>): Promise<T> {
  return withDb(command, async (ctx) => {
    const { resolveWorkspace } = await import('../workspaces/workspaces.service.js');
    const ws = await resolveWorkspace(ctx.db.kysely, ctx.globals.workspace);
    return fn({ ...ctx, ws });
  });
}

/** Prints `value` as JSON with --json, else the human rendering. */
export function emit(ctx: { json: boolean }, value: unknown, human: () => string): void {
  process.stdout.write(ctx.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Splits a comma-separated flag value: "a, b,,c" → ["a","b","c"]. */
export function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A whole-number flag. */
export function intOption(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${flag} expects a whole number, got "${value}"`);
    return Number(value);
  };
}
