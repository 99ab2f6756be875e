/**
 * The embedded database shared by processes: `rapport serve` takes an API write about every
 * 100 ms (someone logging calls) and reads, while `rapport import` of 30,000 messages runs
 * in a second process on the same data folder. Both finish, and every write is stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { openDatabase } from '../db/database.js';
import { writeGeneratedMbox } from './mail/test-mbox.js';

const entry = fileURLToPath(new URL('../../test/rapport-dev.ts', import.meta.url));
const MESSAGES = 30_000;

function startServer(dir: string): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--data', dir, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    // Generous: starting from source under tsx takes half a minute on a busy machine.
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, log: () => out });
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
  });
}

function runImport(dir: string, mbox: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--data', dir, 'import', mbox, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

describe('import while the server serves (SQLite)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-shared-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`imports ${MESSAGES} messages while every API write of the server is stored`, { timeout: 420_000 }, async () => {
    const data = join(dir, 'data');
    const mbox = join(dir, 'archive.mbox');
    await writeGeneratedMbox(mbox, MESSAGES, 11);
    expect((await runCli(['--data', data, 'init', '--name', 'Acme', '--me', 'me@acme.example,@acme.example'])).code).toBe(0);
    const { token } = json(await runCli(['--data', data, 'token', 'create', '--name', 'desk', '--json']));
    const server = await startServer(data);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    try {
      const contact = await fetch(`${server.url}/api/v1/contacts`, { method: 'POST', headers, body: JSON.stringify({ name: 'Dana Desk', email: 'dana@desk.example' }) });
      expect(contact.status).toBe(201);
      const failures: string[] = [];
      let writes = 0;
      let reads = 0;
      let importing = true;
      const importDone = runImport(data, mbox).finally(() => {
        importing = false;
      });
      // A person at the desk: a call logged every ~100 ms, and a look at the contact list.
      while (importing || writes < 20) {
        const res = await fetch(`${server.url}/api/v1/interactions`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ kind: 'call', contact_ids: ['dana@desk.example'], summary: `call ${writes}` }),
        });
        if (res.status === 201) writes += 1;
        else failures.push(`write ${res.status}: ${await res.text()}`);
        const list = await fetch(`${server.url}/api/v1/contacts?limit=5`, { headers });
        if (list.status === 200) reads += 1;
        else failures.push(`read ${list.status}: ${await list.text()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const imported = await importDone;
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ read: MESSAGES, malformed: 0 });
      expect(failures).toEqual([]);
      expect(reads).toBe(writes);

      const db = await openDatabase({ dataDir: data, migrate: false });
      try {
        const row = await db.kysely
          .selectFrom('interactions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'call')
          .executeTakeFirstOrThrow();
        expect(Number(row.n)).toBe(writes);
      } finally {
        await db.close();
      }
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  });
});
