/**
 * withUnsyncedCommit: the write commits (another connection sees it), only that write skips
 * the disk sync, and every write after it syncs again, also after a write that failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.js';
import { createPostgresDatabaseUrl, testDialects } from './test-db.js';
import { withUnsyncedCommit } from './unsynced-commit.js';

const dir = mkdtempSync('/var/tmp/unsynced-commit-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(testDialects())('withUnsyncedCommit on %s', (dialect) => {
  let db: Db;
  let drop: () => Promise<void> = async () => undefined;
  const file = join(dir, `${dialect}.db`);
  beforeEach(async () => {
    if (dialect === 'sqlite') {
      db = await openDatabase({ url: file, migrate: false });
    } else {
      // Test servers often run with synchronous_commit off; this database syncs by default.
      const created = await createPostgresDatabaseUrl();
      drop = created.drop;
      const first = await openDatabase({ url: created.url, migrate: false });
      await sql.raw(`alter database ${new URL(created.url).pathname.slice(1)} set synchronous_commit = on`).execute(first.kysely);
      await first.close();
      db = await openDatabase({ url: created.url, migrate: false });
    }
    await sql`create table marks (id integer primary key)`.execute(db.kysely);
  });
  afterEach(async () => {
    await db.close();
    await drop();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  });

  /** The durability the next write gets: SQLite's synchronous level, PostgreSQL's synchronous_commit. */
  async function durability(on = db.kysely): Promise<string> {
    if (dialect === 'sqlite') return String(db.sqlite!.pragma('synchronous', { simple: true }));
    const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(on);
    return rows[0]!.synchronous_commit;
  }

  it('commits without a sync, and leaves every later write synced', async () => {
    const synced = await durability();
    expect(synced).toBe(dialect === 'sqlite' ? '2' : 'on');
    const inside = await withUnsyncedCommit(db, async (w) => {
      await sql`insert into marks (id) values (1)`.execute(w);
      return durability(w);
    });
    expect(inside).toBe(dialect === 'sqlite' ? '1' : 'off');
    expect(await durability()).toBe(synced);

    const reader = dialect === 'sqlite' ? await openDatabase({ url: file, migrate: false }) : db;
    try {
      const { rows } = await sql<{ id: number }>`select id from marks`.execute(reader.kysely);
      expect(rows.map((r) => Number(r.id))).toEqual([1]);
    } finally {
      if (reader !== db) await reader.close();
    }
  });

  it('restores the synced commits after a write that fails', async () => {
    const synced = await durability();
    await expect(
      withUnsyncedCommit(db, async (w) => {
        await sql`insert into marks (id) values (2)`.execute(w);
        await sql`insert into marks (id) values (2)`.execute(w);
      }),
    ).rejects.toThrow();
    expect(await durability()).toBe(synced);
  });
});
