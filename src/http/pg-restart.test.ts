/**
 * `rapport serve` on PostgreSQL outlives a restart of the database server: while it is down,
 * requests get 503 problems with Retry-After (and the process does not die of an unhandled
 * 'error' event of a pg client); once it is back, the server answers again by itself. Runs
 * its own PostgreSQL (never the shared test server), stopped and started on the same port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../../test/embedded-postgres.js';
import { createToken } from '../auth/tokens.service.js';
import { openDatabase } from '../db/database.js';
import { createWorkspace } from '../workspaces/workspaces.service.js';

const entry = fileURLToPath(new URL('../../test/rapport-dev.ts', import.meta.url));
const NOW = Date.parse('2025-06-02T09:00:00Z');

describe('rapport serve across a PostgreSQL restart', () => {
  // Under /var/tmp: as root, PostgreSQL runs as `postgres`, which cannot enter a 0700 temp folder of root's.
  const dir = mkdtempSync('/var/tmp/rapport-pg-restart-');
  let pgPort: number;
  let pgServer: EmbeddedPostgres | null = null;
  let serve: ChildProcess | null = null;
  let base: string;
  let token: string;
  let stderr = '';
  let exitCode: number | null = null;

  const startPg = async () => {
    pgServer = await startEmbeddedPostgres({ dir, persistent: true, flags: ['-c', 'fsync=off'], port: pgPort });
  };
  const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    pgPort = await freePort();
    await startPg();
    const url = pgServer!.url;
    const db = await openDatabase({ url });
    try {
      const ws = await createWorkspace(db.kysely, { name: 'Acme', me: ['me@acme.example'] }, NOW);
      token = (await createToken(db.kysely, ws, { name: 'restart', role: 'owner' }, { userId: null, role: 'owner' }, NOW)).token;
    } finally {
      await db.close();
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}/api/v1`;
    serve = spawn(process.execPath, ['--import', 'tsx', entry, '--db', url, 'serve', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    serve.on('exit', (code) => {
      exitCode = code;
    });
    await new Promise<void>((resolve, reject) => {
      serve!.stderr!.on('data', (chunk) => {
        stderr += String(chunk);
        if (stderr.includes('listening on')) resolve();
      });
      serve!.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
    });
  }, 120_000);

  afterAll(async () => {
    serve?.kill('SIGTERM');
    await pgServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 problems with Retry-After while the database is down, and 200 again once it is back', async () => {
    expect((await get('/contacts')).status).toBe(200);

    await pgServer!.stop();
    pgServer = null;
    // Paths not read before: a read of the last second may come from the read cache.
    for (const path of ['/today', '/waiting', '/reports']) {
      const res = await get(path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ status: 503, code: 'unavailable', detail: expect.stringContaining(`PostgreSQL at 127.0.0.1:${pgPort}`) });
    }
    expect(exitCode).toBeNull();

    await startPg();
    for (const path of ['/today', '/waiting', '/reports']) expect((await get(path)).status, path).toBe(200);
    expect(exitCode).toBeNull();
    expect(stderr).not.toMatch(/Unhandled 'error' event|unhandled error/i);
  }, 120_000);
});
