/**
 * Engine parity: the same demo workspace (same seed, same --now) reads the same on SQLite and
 * PostgreSQL. The CLI runs in this process (test/cli-in-process.ts) so that a dozen commands
 * per engine cost no process start-ups. Only ids differ between the
 * engines; they are replaced before comparing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rapportJson } from '../../test/cli-in-process.js';
import { openDatabase } from '../db/database.js';
import { withPgClient } from '../db/postgres-pool.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { getHealthHistory, getReports } from '../reports/reports.service.js';
import { resolveWorkspace } from '../workspaces/workspaces.service.js';

const NOW = '2026-06-15T09:30:00Z';
const ID = /\b[a-z]{2,3}_[0-9a-z]{12,24}\b/g;

/** The outputs of one engine, ids replaced so that only what a reader sees is compared. */
async function readEverything(engine: string[], url: string): Promise<Record<string, unknown>> {
  const target = [...engine, '--now', NOW];
  const demo = (await rapportJson(target, 'demo', '--contacts', '120', '--seed', '7')) as { seconds?: number };
  delete demo.seconds;
  const out: Record<string, unknown> = { demo };
  out.contacts = await rapportJson(target, 'contacts');
  out.contactsByHealth = await rapportJson(target, 'contacts', '--sort', 'health');
  out.contactsByTouch = await rapportJson(target, 'contacts', '--sort', 'last-touch');
  out.waiting = await rapportJson(target, 'waiting');
  out.today = await rapportJson(target, 'today', '--all', '--limit', '1000');
  out.plan = await rapportJson(target, 'today');
  out.digest = await rapportJson(target, 'digest');
  const emails = (out.contacts as { email: string }[]).map((c) => c.email).filter((_, i) => i % 15 === 0);
  for (const email of emails) {
    out[`health ${email}`] = await rapportJson(target, 'health', email);
    out[`contact ${email}`] = await rapportJson(target, 'contact', email);
  }
  // Reports have no command; the API route is a shell over this service.
  const db = await openDatabase({ url });
  try {
    const ws = await resolveWorkspace(db.kysely, 'demo');
    const now = Date.parse(NOW);
    out.reports = await getReports(db, ws, now);
    for (const email of emails.slice(0, 3)) out[`history ${email}`] = await getHealthHistory(db, ws, email, now);
  } finally {
    await db.close();
  }
  return JSON.parse(JSON.stringify(out).replace(ID, '<id>'));
}

describe.skipIf(testDialects().length < 2)('engine parity of the demo workspace', () => {
  let dir: string;
  let pg: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-parity-'));
    pg = await createPostgresDatabaseUrl();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pg?.drop();
  });

  it('prints the same contacts, health, waits, today, digest and reports on SQLite and PostgreSQL', async () => {
    const sqlite = await readEverything(['--data', dir], join(dir, 'rapport.db'));
    const postgres = await readEverything(['--db', pg.url], pg.url);
    expect((sqlite.today as { priority: number }[]).length).toBeGreaterThan(20);
    for (const s of sqlite.today as { priority: number }[]) expect(Number.isInteger(s.priority)).toBe(true);
    for (const key of Object.keys(sqlite)) expect(postgres[key], key).toEqual(sqlite[key]);
    expect(Object.keys(postgres)).toEqual(Object.keys(sqlite));
  }, 240_000);
});

describe.skipIf(testDialects().length < 2)('engine parity of text order', () => {
  let dir: string;
  let url: string;
  let drop: () => Promise<unknown>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-parity-'));
    // A linguistic default collation, as most PostgreSQL installations have (en_US…).
    const admin = inject('postgresUrl') as string;
    const name = `rapport_icu_${randomBytes(5).toString('hex')}`;
    await withPgClient(admin, (c) => c.query(`create database ${name} template template0 locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'`));
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = () => withPgClient(admin, (c) => c.query(`drop database if exists ${name} with (force)`));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await drop?.();
  });

  it('lists contacts by name in the same order on SQLite and on a PostgreSQL database with an en-US collation', async () => {
    const names = async (target: string[]) => {
      const rp = (...args: string[]) => rapportJson([...target, '--now', NOW], ...args);
      await rp('init', '--name', 'Acme', '--me', 'me@acme.example');
      const people: [string, string][] = [['zoe@z.example', 'Zoe Quinn'], ['adam@a.example', 'adam smith'], ['emile@e.example', 'Émile Zola'], ['ada@a.example', 'Ada_Byron']];
      for (const [email, name] of people) await rp('contacts', 'add', email, '--name', name);
      return ((await rp('contacts')) as { name: string }[]).map((c) => c.name);
    };
    const sqlite = await names(['--data', dir]);
    expect(sqlite).toEqual(['Ada_Byron', 'Zoe Quinn', 'adam smith', 'Émile Zola']);
    expect(await names(['--db', url])).toEqual(sqlite);
  });
});
