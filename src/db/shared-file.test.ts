/**
 * The embedded database shared by processes: a write that waits too long names the process
 * holding the lock and what to do; each process records itself while it has the file open.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { buildWorkspace } from '../test/factories.js';
import { openDatabase } from './database.js';

const dir = mkdtempSync(join(tmpdir(), 'rapport-shared-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a SQLite file shared by processes', () => {
  it('names the process that held the database when a write gives up waiting', async () => {
    const file = join(dir, 'held.db');
    const setup = await openDatabase({ url: file });
    await buildWorkspace(setup, { name: 'Held', slug: 'held' });
    await setup.close();

    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'test-lock-holder.ts'), file], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => String(d).includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)));
    });
    const db = await openDatabase({ url: file, migrate: false, busyTimeoutMs: 1500, processName: 'rapport log' });
    try {
      const error = await db.kysely.updateTable('workspaces').set({ name: 'Mine' }).execute().then(() => null, (e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('unavailable');
      expect((error as Error).message).toBe(`the database is busy: rapport import (pid ${child.pid}) has held it for 2 s; retry when it is done, or stop it`);
      // In a transaction too: the BEGIN is what waits.
      const inTransaction = await db.kysely.transaction().execute((trx) => trx.updateTable('workspaces').set({ name: 'Mine' }).execute()).then(() => null, (e: unknown) => e);
      expect((inTransaction as Error).message).toContain(`rapport import (pid ${child.pid})`);
    } finally {
      child.stdin.end();
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // The lock is free again: the same write now succeeds at once.
    await db.kysely.updateTable('workspaces').set({ name: 'Mine' }).execute();
    expect(existsSync(join(`${file}-processes`, `${process.pid}.json`))).toBe(true);
    await db.close();
    expect(existsSync(join(`${file}-processes`, `${process.pid}.json`))).toBe(false);
    expect(existsSync(join(`${file}-processes`, `${child.pid}.json`))).toBe(false);
  });
});
