/**
 * API throughput (SPEC §10: reads within 2× of a bare Fastify route; p99 under 50 ms at 64
 * connections on the embedded database). Measures, in one run and against one server
 * process: a bare Fastify route, GET /contacts/{id}/health and GET /contacts (a page of 50
 * of 500 contacts), each with autocannon at 64 connections. Repeated reads are answered by
 * the read cache (http/read-cache.ts); the last two lines repeat both reads on a second
 * server with the cache off (`readCacheMs: 0`), the figures the targets are about: every request
 * reads the database. Then the uncached reads again on PostgreSQL, on a fresh database of
 * DATABASE_URL's (or TEST_DATABASE_URL's) server (skipped without one). The servers run in a
 * child process so that the load generator does not share their event loop.
 * Options: `npm run bench -- api` (5 s per target); seconds per target as argv[2].
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { QUICK, record } from './report.js';

const CONNECTIONS = 64;
const CPU_READS = QUICK ? 300 : 1000;
const T0 = Date.parse('2025-06-02T09:00:00Z');

const POSTGRES = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;

/** A fresh database on the PostgreSQL server of `adminUrl`, dropped by `drop`. */
async function postgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rapport_bench_api_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function serve(engine: string) {
  const [{ openDatabase }, { buildServer }, { createWorkspace }, { createContact }, { logInteraction }, { createToken }, { default: Fastify }] = await Promise.all([
    import('../src/db/database.js'),
    import('../src/app/server.js'),
    import('../src/workspaces/workspaces.service.js'),
    import('../src/contacts/contacts.service.js'),
    import('../src/interactions/interactions.service.js'),
    import('../src/auth/tokens.service.js'),
    import('fastify'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'rapport-api-bench-'));
  const postgres = engine === 'postgres' ? await postgresDatabase(POSTGRES as string) : null;
  const db = await openDatabase(postgres ? { url: postgres.url } : { dataDir: dir });
  const ws = await createWorkspace(db.kysely, { name: 'Bench', me: ['me@bench.example', '@bench.example'] }, T0);
  const ids: string[] = [];
  for (let i = 0; i < 500; i++) ids.push((await createContact(db.kysely, ws, { email: `c${i}@client.example`, name: `Client ${i}` }, T0 - 400 * 86_400_000)).id);
  const target = ids[0]!;
  for (let d = 0; d < 60; d++) {
    const at = T0 - d * 5 * 86_400_000;
    await logInteraction(db.kysely, ws, { kind: d % 3 === 0 ? 'meeting' : 'call', contact_ids: [target], at, text: 'Great talk about the roadmap, thanks!', behaviors: d % 4 === 0 ? ['interest'] : [] }, T0);
  }
  const { token } = await createToken(db.kysely, ws, { name: 'bench', role: 'viewer' }, { userId: null, role: 'owner' }, T0);
  // The per-token limit stays on (its cost is part of the measure) but high enough not to refuse.
  const api = await buildServer(db, { now: () => T0, webDist: null, rateLimits: { token: 1e9 } });
  await api.listen({ port: 0, host: '127.0.0.1' });
  const uncached = await buildServer(db, { now: () => T0, webDist: null, rateLimits: { token: 1e9 }, readCacheMs: 0 });
  await uncached.listen({ port: 0, host: '127.0.0.1' });
  const bare = Fastify();
  bare.get('/bare', async () => ({ status: 'ok' }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const port = (s: { server: { address(): unknown } }) => (s.server.address() as { port: number }).port;
  // CPU time of this process per request, through fastify.inject (no sockets): on a loaded
  // machine wall-clock rates mostly measure the other processes; CPU time much less so.
  // On PostgreSQL the database server's own CPU is not included.
  const cpu = async (app: { inject(o: { url: string; headers?: Record<string, string> }): Promise<unknown> }, url: string, headers: Record<string, string> = {}) => {
    for (let i = 0; i < 200; i++) await app.inject({ url, headers });
    const start = process.cpuUsage();
    for (let i = 0; i < CPU_READS; i++) await app.inject({ url, headers });
    const used = process.cpuUsage(start);
    return Math.round((used.user + used.system) / CPU_READS);
  };
  const auth = { authorization: `Bearer ${token}` };
  const cpuUs = {
    bare: await cpu(bare, '/bare'),
    health: await cpu(uncached, `/api/v1/contacts/${target}/health`, auth),
    list: await cpu(uncached, '/api/v1/contacts?limit=50', auth),
  };
  process.send?.({ api: port(api), uncached: port(uncached), bare: port(bare), token, contact: target, cpuUs });
  process.on('message', async () => {
    await api.close();
    await uncached.close();
    await bare.close();
    await db.close();
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function measure(name: string, url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const bad = result.non2xx + result.errors + result.timeouts;
  const line = { name, 'req/s': Math.round(result.requests.average), 'p50 ms': result.latency.p50, 'p99 ms': result.latency.p99, 'errors/non-2xx': bad };
  return line;
}

type Row = Awaited<ReturnType<typeof measure>>;

/** Starts the servers on one engine in a child process and measures its reads. */
async function measureEngine(engine: string, seconds: number, withCache: boolean): Promise<Row[]> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', engine], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const info = await new Promise<{ api: number; uncached: number; bare: number; token: string; contact: string; cpuUs: Record<'bare' | 'health' | 'list', number> }>((resolve) =>
    child.once('message', resolve as never),
  );
  const { bare, health, list } = info.cpuUs;
  console.log(`${engine}, CPU per request (fastify.inject, read cache off): bare ${bare} µs, health ${health} µs (${(bare / health).toFixed(2)}×), list of 50 ${list} µs (${(bare / list).toFixed(2)}×)`);
  record({ name: `GET /contacts/{id}/health, read cache off, ${engine}, CPU per request`, value: health, unit: 'µs', peer: { name: 'bare Fastify (inject)', value: bare } });
  record({ name: `GET /contacts?limit=50, read cache off, ${engine}, CPU per request`, value: list, unit: 'µs', peer: { name: 'bare Fastify (inject)', value: bare } });
  const auth = { authorization: `Bearer ${info.token}` };
  const base = `http://127.0.0.1:${info.api}/api/v1`;
  const nocache = `http://127.0.0.1:${info.uncached}/api/v1`;
  // Warm-up: JIT and the database's page cache.
  await autocannon({ url: `${nocache}/contacts/${info.contact}/health`, connections: 8, amount: 500, headers: auth });
  await autocannon({ url: `${nocache}/contacts?limit=50`, connections: 8, amount: 200, headers: auth });
  const rows: Row[] = [];
  if (withCache) {
    rows.push(await measure('bare Fastify route', `http://127.0.0.1:${info.bare}/bare`, {}, seconds));
    rows.push(await measure('GET /contacts/{id}/health', `${base}/contacts/${info.contact}/health`, auth, seconds));
    rows.push(await measure('GET /contacts?limit=50', `${base}/contacts?limit=50`, auth, seconds));
  }
  rows.push(await measure(`GET /contacts/{id}/health, read cache off, ${engine}`, `${nocache}/contacts/${info.contact}/health`, auth, seconds));
  rows.push(await measure(`GET /contacts?limit=50, read cache off, ${engine}`, `${nocache}/contacts?limit=50`, auth, seconds));
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  return rows;
}

async function main() {
  const seconds = Number(process.argv[2] ?? (QUICK ? 2 : 5));
  const rows = await measureEngine('sqlite', seconds, true);
  if (POSTGRES) rows.push(...(await measureEngine('postgres', seconds, false)));
  else console.log('postgres: skipped (set DATABASE_URL=postgres://… to a server where a database may be created)');
  // The bare route once more at the end: the machine's load drifts during a run.
  rows.push(await measureBareAgain(seconds));
  console.table(rows);
  const bare = (rows[0]!['req/s'] + rows[rows.length - 1]!['req/s']) / 2;
  // Without the cache every request reads the database: a health read at least a quarter of
  // the bare route, a page of 50 contacts a tenth.
  const floorOf = (name: string) => (!name.includes('read cache off') ? undefined : name.startsWith('GET /contacts/{id}/health') ? 0.25 : 0.1);
  const ratios: string[] = [];
  for (const row of rows.slice(1, -1)) {
    const floor = floorOf(row.name);
    const met = floor === undefined ? {} : { target: `≥ ${floor}× bare`, met: row['req/s'] / bare >= floor };
    record({ name: `${row.name}, req/s`, value: row['req/s'], unit: 'req/s', peer: { name: 'bare Fastify', value: Math.round(bare) }, ...met });
    record({ name: `${row.name}, p99`, value: row['p99 ms'], unit: 'ms', target: '< 50 ms', met: row['p99 ms'] < 50 });
    ratios.push(`${row.name}: ${(row['req/s'] / bare).toFixed(2)}×${floor === undefined ? '' : ` (target ≥ ${floor}×)`}`);
  }
  console.log(`against the bare route (mean of its two runs, ${Math.round(bare)} req/s, load ${loadavg()[0]!.toFixed(1)}):\n  ${ratios.join('\n  ')}`);
  if (rows.some((r) => r['errors/non-2xx'] > 0)) process.exitCode = 1;
}

async function measureBareAgain(seconds: number): Promise<Row> {
  // In a child like the first, so both runs cost the same to reach.
  const child = fork(fileURLToPath(import.meta.url), ['--bare'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', resolve as never));
  const row = await measure('bare Fastify route, again', `http://127.0.0.1:${port}/bare`, {}, seconds);
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  return row;
}

async function serveBare() {
  const { default: Fastify } = await import('fastify');
  const bare = Fastify();
  bare.get('/bare', async () => ({ status: 'ok' }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  process.send?.((bare.server.address() as { port: number }).port);
  process.on('message', async () => {
    await bare.close();
    process.exit(0);
  });
}

if (process.argv.includes('--serve')) await serve(process.argv[process.argv.indexOf('--serve') + 1] ?? 'sqlite');
else if (process.argv.includes('--bare')) await serveBare();
else await main();
