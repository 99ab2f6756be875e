/**
 * Backups, restores and the move to PostgreSQL. A backup is always a Rapport SQLite database
 * file, whatever the engine it was taken from: one self-describing format that `restore`
 * reads into either engine, that sqlite3 can open, and that carries its schema version. From
 * SQLite it is written by SQLite's online backup API; from PostgreSQL by a copy read inside one
 * repeatable-read snapshot, so either is consistent while the server keeps writing.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openDatabase, redact, type Db } from '../db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { copyTables, orderedTables, type CopyProgress, type CopyResult } from './table-copy.js';

export interface BackupResult {
  file: string;
  bytes: number;
  engine: Db['dialect'];
  rows?: number;
}

function assertWritableTarget(file: string, force: boolean): string {
  const path = resolve(file);
  if (!existsSync(dirname(path))) throw new NotFoundError('folder', dirname(path));
  if (existsSync(path) && !force) throw new ConflictError(`${path} already exists; use --force to overwrite it`);
  return path;
}

/**
 * Writes a consistent backup of the whole database (every workspace) to `file`.
 * @throws conflict when the file exists and `force` is not set; not_found for a missing folder.
 */
export async function backupDatabase(
  db: Db,
  file: string,
  options: { force?: boolean; onProgress?: (p: CopyProgress) => void } = {},
): Promise<BackupResult> {
  const path = assertWritableTarget(file, !!options.force);
  // Written beside the target and renamed at the end: a crash never leaves half a backup under its name.
  const partial = `${path}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  try {
    let rows: number | undefined;
    if (db.sqlite) {
      await db.sqlite.backup(partial);
    } else {
      const target = await openDatabase({ url: partial });
      try {
        rows = (await copyTables(db, target, orderedTables(target), { onProgress: options.onProgress })).rows;
      } finally {
        await target.close();
      }
    }
    renameSync(partial, path);
    return { file: path, bytes: statSync(path).size, engine: db.dialect, rows };
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Opens a backup file read for a restore: a copy, brought to the current schema, so the file itself is never changed. */
async function openBackup(file: string): Promise<{ backup: Db; cleanup: () => Promise<void> }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new NotFoundError('backup file', path);
  const header = readFileSync(path).subarray(0, 16).toString('latin1');
  if (header !== 'SQLite format 3\u0000') throw new ValidationError(`${path} is not a Rapport backup (not a SQLite database file)`);
  const dir = mkdtempSync(join(tmpdir(), 'rapport-restore-'));
  const copy = join(dir, 'backup.db');
  copyFileSync(path, copy);
  const cleanup = async () => rmSync(dir, { recursive: true, force: true });
  try {
    const backup = await openDatabase({ url: copy });
    const hasWorkspaces = backup.sqlite
      ?.prepare("select 1 from sqlite_master where type = 'table' and name = 'workspaces'")
      .get();
    if (!hasWorkspaces) {
      await backup.close();
      throw new ValidationError(`${path} is a SQLite database but not a Rapport backup`);
    }
    return {
      backup,
      cleanup: async () => {
        await backup.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Replaces the contents of `db` with a backup. Refuses a database that holds data unless
 * `force` is set; either way it happens in one transaction.
 * @throws not_found for a missing file; validation for a file that is not a backup; conflict for a target with data.
 */
export async function restoreDatabase(
  db: Db,
  file: string,
  options: { force?: boolean; onProgress?: (p: CopyProgress) => void } = {},
): Promise<CopyResult> {
  const { backup, cleanup } = await openBackup(file);
  try {
    return await copyTables(backup, db, orderedTables(backup), { replace: options.force, onProgress: options.onProgress });
  } finally {
    await cleanup();
  }
}

/**
 * Moves the embedded database into the PostgreSQL database at `url` (migrated first), which
 * must be empty. The embedded database is left as it was.
 * @throws validation when `url` is not PostgreSQL or the source is not embedded; conflict when the target holds data.
 */
export async function migrateToPostgres(
  from: Db,
  url: string,
  options: { onProgress?: (p: CopyProgress) => void } = {},
): Promise<CopyResult & { target: string }> {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new ValidationError('--to: expected a postgres://… URL');
  if (!from.sqlite) throw new ValidationError('migrate-db moves the embedded database; this one is already PostgreSQL');
  const target = await openDatabase({ url });
  try {
    const result = await copyTables(from, target, orderedTables(from), { onProgress: options.onProgress });
    return { ...result, target: redact(url) };
  } finally {
    await target.close();
  }
}
