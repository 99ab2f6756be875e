/**
 * SPEC §3.5: kill -9 at any moment, run again, and the database equals one clean import.
 * A real child process imports a 20,000-message mbox and is SIGKILLed after N committed
 * batches (watched through the imports table), several times; then a last run completes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.js';
import { createWorkspace } from '../workspaces/workspaces.service.js';
import { writeGeneratedMbox } from './mail/test-mbox.js';
import type { ImportSummary } from './import.types.js';

const dir = mkdtempSync(join(tmpdir(), 'mail-kill-'));
const CHILD = join(import.meta.dirname, 'mail/test-kill-child.ts');
const BATCH = 500;

async function freshDb(name: string): Promise<string> {
  const file = join(dir, name);
  const db = await openDatabase({ url: file });
  await createWorkspace(db.kysely, { name: 'Kill', me: ['me@acme.example', '@acme.example'] }, Date.parse('2025-01-01T00:00:00Z'));
  await db.close();
  return file;
}

function runChild(dbFile: string, mbox: string, killAfterBatches?: number): Promise<ImportSummary | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, mbox, String(BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let watcher: Db | null = null;
    let timer: NodeJS.Timeout | null = null;
    if (killAfterBatches !== undefined) {
      void openDatabase({ url: dbFile, migrate: false }).then((db) => {
        watcher = db;
        timer = setInterval(async () => {
          const row = await db.kysely.selectFrom('imports').select('batches').executeTakeFirst().catch(() => undefined);
          if (row && row.batches >= killAfterBatches) child.kill('SIGKILL');
        }, 5);
      });
    }
    child.on('exit', async (code, signal) => {
      if (timer) clearInterval(timer);
      await (watcher as Db | null)?.close();
      if (signal === 'SIGKILL') return resolve(null);
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
      resolve(JSON.parse(out) as ImportSummary);
    });
  });
}

async function snapshot(file: string) {
  const db = await openDatabase({ url: file, migrate: false });
  try {
    const k = db.kysely;
    const count = async (table: 'interactions' | 'contacts' | 'threads' | 'interaction_contacts' | 'interaction_refs' | 'interaction_behaviors' | 'thread_subject_keys') =>
      Number((await k.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await k.selectFrom('interactions').select(['identity', 'thread_id']).execute();
    const groups = new Map<string, string[]>();
    for (const r of rows) groups.set(r.thread_id ?? '', [...(groups.get(r.thread_id ?? '') ?? []), r.identity]);
    const emails = await k.selectFrom('contact_emails').select('email').orderBy('email').execute();
    const firstSeen = await k
      .selectFrom('contacts as c')
      .innerJoin('contact_emails as e', 'e.contact_id', 'c.id')
      .select(['e.email', 'c.first_seen_at'])
      .orderBy('e.email')
      .execute();
    return {
      interactions: await count('interactions'),
      contacts: await count('contacts'),
      threads: await count('threads'),
      participants: await count('interaction_contacts'),
      refs: await count('interaction_refs'),
      tags: await count('interaction_behaviors'),
      subjectKeys: await count('thread_subject_keys'),
      partition: [...groups.values()].map((g) => g.sort().join(' ')).sort(),
      emails: emails.map((e) => e.email),
      firstSeen,
      unthreaded: rows.filter((r) => !r.thread_id).length,
    };
  } finally {
    await db.close();
  }
}

describe('import killed with SIGKILL', () => {
  it('re-run after kills at several points equals one clean import', async () => {
    const mbox = join(dir, 'big.mbox');
    await writeGeneratedMbox(mbox, 20_000, 7);

    // The clean import runs beside the killed ones: they share nothing but the mbox.
    const cleanFile = await freshDb('clean.db');
    const killedFile = await freshDb('killed.db');
    const killedRuns = async () => {
      for (const after of [1, 5, 12]) expect(await runChild(killedFile, mbox, after)).toBeNull();
      return runChild(killedFile, mbox);
    };
    const [clean, resumed] = await Promise.all([runChild(cleanFile, mbox), killedRuns()]);
    expect(clean).toMatchObject({ read: 20_000, malformed: 0 });
    expect(clean!.imported).toBe(20_000 - clean!.duplicates);
    // The summary of the resumed run describes the whole file.
    expect(resumed).toMatchObject({ read: 20_000, imported: clean!.imported, duplicates: clean!.duplicates, contacts_created: clean!.contacts_created, threads: clean!.threads });

    const [a, b] = [await snapshot(cleanFile), await snapshot(killedFile)];
    expect(a.unthreaded).toBe(0);
    expect(b).toEqual(a);
  }, 180_000);
});
