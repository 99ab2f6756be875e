/**
 * Jobs per second through the queue on both engines: a no-op job (the queue's own cost) and
 * webhooks.deliver, a real job (claim the delivery, POST it signed to a loopback receiver,
 * record the attempt). One worker with 4 jobs at a time, in this process. SQLite: a file in
 * a temporary folder. PostgreSQL: a fresh database on DATABASE_URL's server (skipped without).
 * BENCH_JOBS sets the number of jobs (default 5,000; --quick 200).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { openDatabase, type Db } from '../src/db/database.js';
import { defineJob } from '../src/jobs/jobs.types.js';
import { openQueue } from '../src/jobs/queue.js';
import { createRegistry } from '../src/jobs/registry.js';
import { buildWorkspace } from '../src/test/factories.js';
import { deliverWebhookJob } from '../src/webhooks/webhooks.jobs.js';
import { createWebhook, emitEvents } from '../src/webhooks/webhooks.service.js';
import { QUICK, record } from './report.js';

const N = Number(process.env.BENCH_JOBS ?? (QUICK ? 200 : 5000));
const CONCURRENCY = 4;
const noopJob = defineJob({ name: 'bench.noop', payload: z.object({ n: z.number() }), maxAttempts: 1, run: async () => undefined });

async function measure(engine: string, db: Db, receiverUrl: string): Promise<void> {
  const queue = await openQueue(db, createRegistry([noopJob, deliverWebhookJob]));
  const services = { mailKey: () => { throw new Error('no mail in this bench'); }, allowPrivateWebhooks: true };
  const drain = async () => {
    while ((await queue.list({ limit: 1 })).length > 0) await new Promise((r) => setTimeout(r, 20));
  };
  try {
    // No-op: the queue's own cost per job.
    let t = performance.now();
    for (let i = 0; i < N; i += 1) await queue.enqueue(noopJob.name, { n: i });
    const enqueuePerS = N / ((performance.now() - t) / 1000);
    t = performance.now();
    let stop = await queue.startWorker({ db, now: Date.now, services }, { concurrency: CONCURRENCY });
    await drain();
    const noopPerS = N / ((performance.now() - t) / 1000);
    await stop();

    // A real job: webhook deliveries to a loopback receiver.
    const ws = await buildWorkspace(db);
    await createWebhook(db.kysely, ws, { url: receiverUrl }, Date.now(), true);
    await emitEvents(db.kysely, ws.id, Array.from({ length: N }, (_, i) => ({ type: 'contact.created' as const, data: { i } })), Date.now());
    const deliveries = await db.kysely.selectFrom('webhook_deliveries').select('id').where('workspace_id', '=', ws.id).execute();
    for (const d of deliveries) await queue.enqueue(deliverWebhookJob.name, { workspace_id: ws.id, delivery_id: d.id });
    t = performance.now();
    stop = await queue.startWorker({ db, now: Date.now, services }, { concurrency: CONCURRENCY });
    await drain();
    const deliverPerS = N / ((performance.now() - t) / 1000);
    await stop();

    console.log(`${engine}: enqueue ${Math.round(enqueuePerS)} jobs/s; no-op ${Math.round(noopPerS)} jobs/s; webhooks.deliver ${Math.round(deliverPerS)} jobs/s (${N} jobs, ${CONCURRENCY} at a time)`);
    record({ name: `enqueue (${engine})`, value: enqueuePerS, unit: 'jobs/s' });
    record({ name: `no-op job (${engine})`, value: noopPerS, unit: 'jobs/s' });
    record({ name: `webhooks.deliver (${engine})`, value: deliverPerS, unit: 'jobs/s', peer: { name: 'no-op job', value: noopPerS } });
  } finally {
    await queue.close();
  }
}

const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-jobs-'));
try {
  const sqlite = await openDatabase({ url: join(dir, 'jobs.db') });
  await measure('sqlite', sqlite, receiverUrl);
  await sqlite.close();

  const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const name = `rapport_bench_jobs_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = await openDatabase({ url: url.toString() });
      await measure('postgres', db, receiverUrl);
      await db.close();
    } finally {
      // graphile-worker's pools end their connections asynchronously: let them go first.
      await new Promise((r) => setTimeout(r, 1000));
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  } else {
    console.log('postgres: skipped (set DATABASE_URL=postgres://… to a server where a database may be created)');
  }
} finally {
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
