/**
 * Test databases: every test gets a fresh, fully migrated database on each engine. SQLite is
 * in memory; PostgreSQL gets a new database cloned from a migrated template, so a test costs
 * a CREATE DATABASE rather than a migration run. No mocks: the real engines, real SQL.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Db, type Dialect } from './database.js';
import { withPgClient } from './postgres-pool.js';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

let templateReady: Promise<string> | undefined;

function adminUrl(): string | null {
  return inject('postgresUrl');
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const url = adminUrl();
  if (!url) throw new Error('PostgreSQL is off for this run');
  await withPgClient(url, (client) => client.query(sql));
}

async function ensureTemplate(): Promise<string> {
  templateReady ??= (async () => {
    const url = adminUrl() as string;
    // One template per test worker: workers run in parallel and migrations change over time.
    const name = `rapport_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const db = await openDatabase({ url: withDatabase(url, name) });
    await db.close();
    return name;
  })();
  return templateReady;
}

/** A fresh migrated database of the given engine. Close it at the end of the test. */
export async function createTestDb(dialect: Dialect): Promise<Db> {
  if (dialect === 'sqlite') return openDatabase({ url: ':memory:' });
  return createPostgresTestDb(`TEMPLATE ${await ensureTemplate()}`);
}

/** A new PostgreSQL database (`options`: what CREATE DATABASE adds), dropped on close. */
async function createPostgresTestDb(options: string): Promise<Db> {
  const url = adminUrl();
  if (!url) throw new Error('PostgreSQL is off for this run');
  const name = `rapport_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} ${options}`);
  const db = await openDatabase({ url: withDatabase(url, name), migrate: false });
  return {
    kysely: db.kysely,
    dialect: 'postgres',
    url: db.url,
    close: async () => {
      await db.close();
      // WITH (FORCE): a backend of the just-closed pool may still be exiting.
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The engines this run tests: PostgreSQL is skipped only when explicitly turned off. */
export function testDialects(): Dialect[] {
  return adminUrl() ? DIALECTS : ['sqlite'];
}

/** The connection URL of a fresh PostgreSQL database, for tests that run the CLI as a process. */
export async function createPostgresDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = adminUrl();
  if (!url) throw new Error('PostgreSQL is off for this run');
  const template = await ensureTemplate();
  const name = `rapport_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return { url: withDatabase(url, name), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A database of the given engine with no migration applied, for tests of the migrations themselves. */
export async function createEmptyTestDb(dialect: Dialect): Promise<Db> {
  if (dialect === 'sqlite') return openDatabase({ url: ':memory:', migrate: false });
  return createPostgresTestDb('');
}
