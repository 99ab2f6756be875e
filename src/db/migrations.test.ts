import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli.js';
import { type Db, type Dialect, migrateTo, migrateToLatest, migrationStatus, openDatabase } from './database.js';
import { migrations } from './migrations/index.js';
import { createEmptyTestDb, testDialects } from './test-db.js';

const NAMES = Object.keys(migrations);

/** Every table's columns with type, nullability and key: what the application relies on. */
async function catalog(db: Db): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const { rows } = await sql<{ t: string; c: string; type: string; nn: number; pk: number }>`
      select m.name as t, p.name as c, p.type as type, p."notnull" as nn, p.pk as pk
      from sqlite_master m, pragma_table_info(m.name) p
      where m.type = 'table' and m.name not like 'sqlite_%'`.execute(db.kysely);
    return rows.map((r) => `${r.t}.${r.c} ${r.type.toLowerCase()} ${r.nn ? 'not null' : 'null'} pk${r.pk}`).sort();
  }
  const { rows } = await sql<{ t: string; c: string; type: string; nullable: string }>`
    select table_name as t, column_name as c, data_type as type, is_nullable as nullable
    from information_schema.columns where table_schema = current_schema()`.execute(db.kysely);
  return rows.map((r) => `${r.t}.${r.c} ${r.type} ${r.nullable === 'NO' ? 'not null' : 'null'}`).sort();
}

describe.each(testDialects())('migrations on %s', (dialect: Dialect) => {
  it.each(NAMES.slice(0, -1))('upgrade a database of an earlier release (schema %s) to the same schema as a new one, keeping its data', async (name) => {
    const fresh = await createEmptyTestDb(dialect);
    const old = await createEmptyTestDb(dialect);
    try {
      await migrateToLatest(fresh);
      await migrateTo(old, name);
      await old.kysely
        .insertInto('workspaces')
        .values({ id: 'ws_old', slug: 'old', name: 'Old', settings: '{}', created_at: 1, updated_at: 1 })
        .execute();
      const applied = await migrateToLatest(old);
      expect(applied).toEqual(NAMES.slice(NAMES.indexOf(name) + 1));
      expect(await catalog(old)).toEqual(await catalog(fresh));
      expect(await old.kysely.selectFrom('workspaces').select('slug').execute()).toEqual([{ slug: 'old' }]);
      expect((await migrationStatus(old)).every((m) => m.applied)).toBe(true);
    } finally {
      await fresh.close();
      await old.close();
    }
  });

  it('refuses a database that a newer version migrated, naming what to do', async () => {
    const db = await createEmptyTestDb(dialect);
    try {
      await migrateToLatest(db);
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(db.kysely);
      await expect(migrateToLatest(db)).rejects.toThrow(
        /upgraded by a newer version of rapport \(schema 9999-from-the-future; this version knows up to .+\); upgrade rapport/,
      );
    } finally {
      await db.close();
    }
  });
});

describe('rapport migrate', () => {
  it('applies pending migrations explicitly and then says the database is up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-migrate-'));
    try {
      const older = await openDatabase({ dataDir: dir, migrate: false });
      await migrateTo(older, NAMES[0] as string);
      await older.close();
      const status = await runCli(['--data', dir, 'migrate', '--status']);
      expect(status.stdout).toContain(`applied  ${NAMES[0]}`);
      expect(status.stdout).toContain(`pending  ${NAMES.at(-1)}`);
      const first = await runCli(['--data', dir, 'migrate']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`Applied ${NAMES.length - 1} migration(s)`);
      const second = await runCli(['--data', dir, 'migrate']);
      expect(second.stdout).toContain('The database is up to date.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
