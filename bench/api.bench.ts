/**
 * API throughput (SPEC §10: reads within 2× of a bare Fastify route; p99 under 50 ms at 64
 * connections on the embedded database). Measures, in one run and against one server
 * process: a bare Fastify route, GET /contacts/{id}/health and GET /contacts (a page of 50
 * of 500 contacts), each with autocannon at 64 connections. Repeated reads are answered by
 * the read cache (http/read-cache.ts); the last two lines repeat both reads on a second
 * server with the cache off, to show the cost of computing them on every request. The servers run in a child
 * process so that the load generator does not share their event loop.
 * Options: `npm run bench -- api` (5 s per target); BENCH_SECONDS is read as argv[2].
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { QUICK, record } from './report.js';

const CONNECTIONS = 64;
const T0 = Date.parse('2025-06-02T09:00:00Z');

async function serve() {
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
  const db = await openDatabase({ dataDir: dir });
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
  process.send?.({ api: port(api), uncached: port(uncached), bare: port(bare), token, contact: target });
  process.on('message', async () => {
    await api.close();
    await uncached.close();
    await bare.close();
    await db.close();
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

async function main() {
  const seconds = Number(process.argv[2] ?? (QUICK ? 2 : 5));
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const info = await new Promise<{ api: number; uncached: number; bare: number; token: string; contact: string }>((resolve) => child.once('message', resolve as never));
  const auth = { authorization: `Bearer ${info.token}` };
  const base = `http://127.0.0.1:${info.api}/api/v1`;
  const nocache = `http://127.0.0.1:${info.uncached}/api/v1`;
  // Warm-up: JIT and SQLite page cache.
  await autocannon({ url: `${base}/contacts/${info.contact}/health`, connections: 8, amount: 500, headers: auth });
  const rows = [
    await measure('bare Fastify route', `http://127.0.0.1:${info.bare}/bare`, {}, seconds),
    await measure('GET /contacts/{id}/health', `${base}/contacts/${info.contact}/health`, auth, seconds),
    await measure('GET /contacts?limit=50', `${base}/contacts?limit=50`, auth, seconds),
    await measure('GET /contacts/{id}/health, read cache off', `${nocache}/contacts/${info.contact}/health`, auth, seconds),
    await measure('GET /contacts?limit=50, read cache off', `${nocache}/contacts?limit=50`, auth, seconds),
  ];
  console.table(rows);
  const bare = rows[0]!['req/s'];
  const ratio = (i: number) => (rows[i]!['req/s'] / bare).toFixed(2);
  // Without the cache every request reads the database: a health read at least a quarter of
  // the bare route, a page of 50 contacts a tenth.
  const floors: Record<number, number> = { 3: 0.25, 4: 0.1 };
  rows.slice(1).forEach((row, i) => {
    const floor = floors[i + 1];
    const met = floor === undefined ? {} : { target: `≥ ${floor}× bare`, met: row['req/s'] / bare >= floor };
    record({ name: `${row.name}, req/s`, value: row['req/s'], unit: 'req/s', peer: { name: 'bare Fastify', value: bare }, ...met });
    record({ name: `${row.name}, p99`, value: row['p99 ms'], unit: 'ms', target: '< 50 ms', met: row['p99 ms'] < 50 });
  });
  console.log(`health read: ${ratio(1)}× the bare route; contacts list: ${ratio(2)}×; without the read cache: health ${ratio(3)}× (target ≥ 0.25×), list ${ratio(4)}× (target ≥ 0.1×)`);
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  if (rows.some((r) => r['errors/non-2xx'] > 0)) process.exitCode = 1;
}

if (process.argv.includes('--serve')) await serve();
else await main();
