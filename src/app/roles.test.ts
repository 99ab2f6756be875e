/**
 * Roles sharing one database. On PostgreSQL: two `rapport serve --no-worker` and two
 * `rapport worker` processes; N jobs of each kind (uploads through both servers, webhook
 * deliveries, digests, daily rescores, mail syncs over a loopback Dovecot); one worker is
 * killed with SIGKILL mid-run; every effect lands exactly once, counted where it lands. A
 * delivery that fails is listed by `rapport jobs --failed` with its error and runs again on
 * `rapport jobs retry`. On SQLite the same job definitions run on the in-process runner.
 *
 * Receivers see a copy only when a worker died between sending and recording (at least
 * once): such copies carry the same webhook-id / recipient, so distinct effects are exactly N
 * and copies are at most the killed worker's concurrency.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { openDatabase } from '../db/database.js';
import { createPostgresDatabaseUrl, createTestDb, testDialects } from '../db/test-db.js';
import { hasDovecot, startDovecot, type TestDovecot } from '../mail/test-dovecot.js';
import { startSmtp, type TestSmtp } from '../mail/test-smtp.js';
import { countScenarioEffects, enqueueScenario, type HookReceiver, isScenarioDone, MAIL_MESSAGES, SECRET, seedScenario, startHookReceiver, vcard } from './jobs-scenario.js';
import { buildServer } from './server.js';
import { openAppQueue, startWorkerRole } from './worker.js';

const N = Number(process.env.JOBS_PER_KIND ?? 1000);
const CONCURRENCY = 4;
const entry = fileURLToPath(new URL('../../test/rapport-dev.ts', import.meta.url));
const env = { ...process.env, RAPPORT_SECRET: SECRET };

function start(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; log: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${out}`)), 180_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, log: () => out });
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
  });
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 600_000): Promise<T> {
  const deadline = Date.now() + ms;
  const began = Date.now();
  try {
    return await poll(probe, done, what, deadline);
  } finally {
    if (process.env.JOBS_TRACE) process.stderr.write(`${what}: ${Date.now() - began} ms\n`);
  }
}

async function poll<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, deadline: number): Promise<T> {
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function upload(base: string, token: string, i: number): Promise<void> {
  const res = await fetch(`${base}/api/v1/imports?format=vcard&filename=p${i}.vcf`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/vcard' }, body: vcard(i) });
  if (res.status !== 202) throw new Error(`upload ${i}: HTTP ${res.status} ${await res.text()}`);
}

/** Runs `task(i)` for i < n, `width` at a time. */
async function inParallel(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  }));
}

describe.skipIf(!testDialects().includes('postgres'))('two servers and two workers on one PostgreSQL database', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const clean of cleanups.reverse()) await clean().catch(() => undefined);
  });

  it(`runs ${N} jobs of each kind exactly once while a worker is killed, and retries a failed one`, { timeout: 1_500_000 }, async () => {
    const { url, drop } = await createPostgresDatabaseUrl();
    cleanups.push(drop);
    const db = await openDatabase({ url, migrate: false });
    cleanups.push(() => db.close());
    const hooks = await startHookReceiver();
    const smtp = await startSmtp();
    const dovecot = hasDovecot ? await startDovecot() : null;
    cleanups.push(() => hooks.close(), () => smtp.close());
    if (dovecot) cleanups.push(() => dovecot.close());
    const s = await seedScenario(db, N, { hooks, smtp, dovecot, syncAccounts: 3 });

    const servers = await Promise.all([0, 1].map(() => start(['--db', url, 'serve', '--no-worker', '--port', '0'], /listening on (http:\/\/127\.0\.0\.1:\d+)/)));
    const workers = await Promise.all([0, 1].map(() => start(['--db', url, 'worker', '--allow-private-webhooks', '--concurrency', String(CONCURRENCY)], /worker (\d+) is running/)));
    children.push(...servers.map((p) => p.child), ...workers.map((p) => p.child));
    const bases = servers.map((p) => p.match[1] as string);

    const queue = await openAppQueue(db);
    cleanups.push(() => queue.close());
    await enqueueScenario(db, queue, s);
    const uploads = inParallel(N, 8, (i) => upload(bases[i % 2]!, s.token, i));

    // Kill one worker once a fair share of the work is done, while it holds jobs.
    const world = { hooks, smtp };
    await until(() => countScenarioEffects(db, s, world), (e) => e.webhooksDistinct + e.digestsDistinct + e.rescoredToday >= N, 'a third of the work');
    workers[0]!.child.kill('SIGKILL');
    await uploads;
    const effects = await until(() => countScenarioEffects(db, s, world), (e) => isScenarioDone(e, s), 'every effect');
    // A moment more: anything run twice would show now.
    await new Promise((r) => setTimeout(r, 3000));
    const final = await countScenarioEffects(db, s, world);
    expect(final).toEqual(effects);
    expect(final.webhooksDistinct).toBe(N);
    expect(final.deliveriesSucceeded).toBe(N);
    expect(final.webhooksTotal - N).toBeLessThanOrEqual(CONCURRENCY);
    expect(final.digestsDistinct).toBe(N);
    expect(final.digestsTotal - N).toBeLessThanOrEqual(CONCURRENCY);
    expect(final.importedContacts).toBe(N);
    expect(final.importsSucceeded).toBe(N);
    expect(final.rescoredToday).toBe(N);
    if (dovecot) expect(final.syncedInteractions).toEqual(s.synced.map(() => MAIL_MESSAGES));

    // Nothing left failed, not even a job the killed worker held.
    expect(json<unknown[]>(await runCli(['--db', url, 'jobs', '--failed', '--json'], { env }))).toEqual([]);

    // A delivery the receiver refuses: failed with its error, then retried by hand.
    hooks.failing = true;
    await enqueueOneDelivery(db, s.a.id);
    const failed = await until(async () => json<{ id: string; name: string; last_error: string }[]>(await runCli(['--db', url, 'jobs', '--failed', '--json'], { env })), (rows) => rows.some((r) => r.name === 'webhooks.deliver'), 'the failed delivery');
    const job = failed.find((r) => r.name === 'webhooks.deliver')!;
    expect(job.last_error).toMatch(/answered HTTP 500/);
    expect((await runCli(['--db', url, 'jobs', '--failed'], { env })).stdout).toContain('answered HTTP 500');
    hooks.failing = false;
    expect((await runCli(['--db', url, 'jobs', 'retry', job.id], { env })).code).toBe(0);
    await until(async () => hooks.ids.size, (size) => size === N + 1, 'the retried delivery');
  });
});

async function enqueueOneDelivery(db: Awaited<ReturnType<typeof openDatabase>>, workspaceId: string) {
  const { emitEvent } = await import('../webhooks/webhooks.service.js');
  await emitEvent(db.kysely, workspaceId, 'interaction.created', { n: 'refused' }, Date.now());
}

describe('the same job definitions on SQLite, in process', () => {
  let hooks: HookReceiver | undefined;
  let smtp: TestSmtp | undefined;
  let dovecot: TestDovecot | null = null;
  afterAll(async () => {
    await hooks?.close();
    await smtp?.close();
    await dovecot?.close();
  });

  it(`runs ${N} jobs of each kind exactly once on the in-process runner`, { timeout: 1_500_000 }, async () => {
    const db = await createTestDb('sqlite');
    hooks = await startHookReceiver();
    smtp = await startSmtp();
    dovecot = hasDovecot ? await startDovecot() : null;
    const s = await seedScenario(db, N, { hooks, smtp, dovecot, syncAccounts: 2 });
    const queue = await openAppQueue(db);
    const { loadMailKey } = await import('../mail/secret-box.js');
    const key = loadMailKey({ secret: SECRET, dataDir: '/nonexistent' });
    const app = await buildServer(db, { webDist: null, queue, enqueueBackgroundWork: true });
    const stop = await startWorkerRole(db, queue, { now: Date.now, services: { mailKey: () => key, allowPrivateWebhooks: true }, concurrency: CONCURRENCY, onError: () => undefined });
    try {
      await enqueueScenario(db, queue, s);
      await inParallel(N, 4, async (i) => {
        const res = await app.inject({ method: 'POST', url: `/api/v1/imports?format=vcard&filename=p${i}.vcf`, headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/vcard' }, payload: vcard(i) });
        if (res.statusCode !== 202) throw new Error(`upload ${i}: ${res.statusCode} ${res.body}`);
      });
      const world = { hooks, smtp };
      await until(() => countScenarioEffects(db, s, world), (e) => isScenarioDone(e, s), 'every effect');
      await new Promise((r) => setTimeout(r, 2000));
      const final = await countScenarioEffects(db, s, world);
      expect(final).toMatchObject({ webhooksDistinct: N, webhooksTotal: N, deliveriesSucceeded: N, digestsDistinct: N, digestsTotal: N, importedContacts: N, importsSucceeded: N, rescoredToday: N });
      if (dovecot) expect(final.syncedInteractions).toEqual(s.synced.map(() => MAIL_MESSAGES));
    } finally {
      await stop();
      await app.close();
      await db.close();
    }
  });
});
