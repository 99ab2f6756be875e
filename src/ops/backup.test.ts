import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { listContacts } from '../contacts/contacts.service.js';
import type { Db, Dialect } from '../db/database.js';
import { createPostgresDatabaseUrl, createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import { getContactHealth } from '../health/health.service.js';
import { resolveWorkspace } from '../workspaces/workspaces.service.js';
import { backupDatabase, restoreDatabase } from './backup.service.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');

/** What a user reads of a workspace: every contact, and the health of each. */
async function snapshot(db: Db) {
  const ws = await resolveWorkspace(db.kysely, 'demo');
  const contacts = await listContacts(db.kysely, ws, { sort: 'name' }, NOW);
  const health = [];
  for (const c of contacts) health.push(await getContactHealth(db.kysely, ws, c.id, NOW));
  return { contacts, health };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-backup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(testDialects())('backup and restore from %s', (dialect: Dialect) => {
  it.each(testDialects())('restores into %s exactly what the backup held', async (target: Dialect) => {
    const source = await createTestDb(dialect);
    const restored = await createTestDb(target);
    try {
      await generateDemo(source, { contacts: 12, seed: 5, now: NOW });
      const file = join(dir, `${dialect}-to-${target}.db`);
      const backup = await backupDatabase(source, file);
      expect(backup.bytes).toBeGreaterThan(0);
      const result = await restoreDatabase(restored, file);
      expect(result.counts.contacts).toBe(12);
      expect(await snapshot(restored)).toEqual(await snapshot(source));
    } finally {
      await source.close();
      await restored.close();
    }
  });

  it('refuses to overwrite a database with data or an existing file unless forced, and changes nothing', async () => {
    const source = await createTestDb(dialect);
    const other = await createTestDb(dialect);
    try {
      await generateDemo(source, { contacts: 4, seed: 1, now: NOW });
      await generateDemo(other, { contacts: 3, seed: 2, now: NOW });
      const file = join(dir, `${dialect}-force.db`);
      await backupDatabase(source, file);
      await expect(backupDatabase(source, file)).rejects.toThrow(/already exists; use --force/);
      const before = await snapshot(other);
      await expect(restoreDatabase(other, file)).rejects.toThrow(/already holds data; use --force/);
      expect(await snapshot(other)).toEqual(before);
      await restoreDatabase(other, file, { force: true });
      expect(await snapshot(other)).toEqual(await snapshot(source));
    } finally {
      await source.close();
      await other.close();
    }
  });

  it('says so when the file is missing or is not a backup', async () => {
    const db = await createTestDb(dialect);
    try {
      await expect(restoreDatabase(db, join(dir, 'nope.db'))).rejects.toThrow(/backup file not found/);
      const text = join(dir, 'notes.txt');
      writeFileSync(text, 'hello');
      await expect(restoreDatabase(db, text)).rejects.toThrow(/not a Rapport backup/);
    } finally {
      await db.close();
    }
  });
});

describe('backup, restore and migrate-db from the command line', () => {
  const at = ['--now', '2026-06-01T12:00:00Z'];
  const readAll = async (where: string[]) => {
    const contacts = json(await runCli([...where, ...at, '--json', 'contacts']));
    const health = [];
    for (const c of contacts.slice(0, 4)) health.push(json(await runCli([...where, ...at, '--json', 'health', c.email])));
    return { contacts, health };
  };

  it('gives equal contacts and health output after backup → restore, and after moving to PostgreSQL', async () => {
    const home = join(dir, 'cli');
    mkdirSync(home);
    const a = ['--data', join(home, 'a')];
    expect((await runCli([...a, ...at, 'demo', '--contacts', '30', '--seed', '7'])).code).toBe(0);
    const original = await readAll(a);
    expect(original.contacts).toHaveLength(30);

    const file = join(home, 'backup.db');
    const backedUp = await runCli([...a, 'backup', file]);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toMatch(/Backed up the embedded database/);
    const b = ['--data', join(home, 'b')];
    const restoredRun = await runCli([...b, 'restore', file]);
    expect(restoredRun.code, restoredRun.stderr).toBe(0);
    expect(await readAll(b)).toEqual(original);

    if (!testDialects().includes('postgres')) return;
    const pg = await createPostgresDatabaseUrl();
    try {
      const moved = await runCli([...a, 'migrate-db', '--to', pg.url]);
      expect(moved.code, moved.stderr).toBe(0);
      expect(moved.stdout).not.toContain('rapport@');
      expect(await readAll(['--db', pg.url])).toEqual(original);
      const again = await runCli([...a, 'migrate-db', '--to', pg.url]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already holds data/);
      expect(existsSync(join(home, 'a', 'rapport.db'))).toBe(true);
    } finally {
      await pg.drop();
    }
  }, 180_000);
});
