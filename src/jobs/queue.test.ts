/**
 * The queue semantics both engines keep (graphile-worker on PostgreSQL, the in-process
 * runner on SQLite): keys make enqueueing idempotent, failures are retried with their error
 * kept, a job out of attempts is listed as failed and runs again when retried.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { causeOnce, countEffects } from './effects.js';
import { defineJob, type Queue } from './jobs.types.js';
import { openQueue } from './queue.js';
import { createRegistry } from './registry.js';
import { listJobs, retryJobOrThrow } from './jobs.service.js';

const services = { mailKey: () => { throw new Error('no mail here'); }, allowPrivateWebhooks: false };
let failuresLeft = 0;

const effectJob = defineJob({
  name: 'test.effect',
  payload: z.object({ workspace_id: z.string(), n: z.number().int() }),
  key: (p) => `effect:${p.n}`,
  maxAttempts: 3,
  async run(p, ctx) {
    await causeOnce(ctx.db, p.workspace_id, `effect:${p.n}`, ctx.now(), async () => undefined);
  },
});

const flakyJob = defineJob({
  name: 'test.flaky',
  payload: z.object({ workspace_id: z.string() }),
  maxAttempts: 2,
  async run(p, ctx) {
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      throw new Error('the far side said no (test)');
    }
    await causeOnce(ctx.db, p.workspace_id, 'flaky', ctx.now(), async () => undefined);
  },
});

/** Held at its start until released: lets a test stop a worker while jobs run. */
let gate: Promise<void> = Promise.resolve();
let started = 0;
const gatedJob = defineJob({
  name: 'test.gated',
  payload: z.object({ workspace_id: z.string(), n: z.number().int(), fail: z.boolean() }),
  // One attempt: a failure stays as it was written, whatever the time the test takes.
  maxAttempts: 1,
  async run(p, ctx) {
    started += 1;
    await gate;
    if (p.fail) throw new Error(`job ${p.n} failed (test)`);
    await causeOnce(ctx.db, p.workspace_id, `gated:${p.n}`, ctx.now(), async () => undefined);
  },
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(testDialects())('job queue on %s', (dialect) => {
  let db: Db;
  let queue: Queue;
  let ws: Workspace;
  let stop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
    queue = await openQueue(db, createRegistry([effectJob, flakyJob, gatedJob]));
    failuresLeft = 0;
    started = 0;
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    await queue.close();
    await db.close();
  });

  it('starts a worker whose registry holds a cron job with a dotted name (as health.rescore-due)', async () => {
    const cronJob = defineJob({ name: 'test.every-minute', payload: z.object({}), cron: '* * * * *', maxAttempts: 1, async run() {} });
    const withCron = await openQueue(db, createRegistry([effectJob, cronJob]));
    try {
      const stopCron = await withCron.startWorker({ db, now: Date.now, services });
      await stopCron();
    } finally {
      await withCron.close();
    }
  });

  it('refuses an unknown job or a payload that does not match its schema, naming the field', async () => {
    await expect(queue.enqueue('test.nope', {})).rejects.toMatchObject({ code: 'validation', message: 'no job named test.nope' });
    await expect(queue.enqueue('test.effect', { workspace_id: ws.id, n: 'x' })).rejects.toMatchObject({ code: 'validation', details: [{ where: 'payload.n' }] });
  });

  it('keeps one waiting job per key, and a job that runs twice causes its effect once', async () => {
    for (let i = 0; i < 3; i += 1) await queue.enqueue('test.effect', { workspace_id: ws.id, n: 1 });
    await queue.enqueue('test.effect', { workspace_id: ws.id, n: 2 });
    expect((await listJobs(queue, {})).map((j) => [j.name, j.key, j.state])).toEqual([
      ['test.effect', 'effect:1', 'queued'],
      ['test.effect', 'effect:2', 'queued'],
    ]);
    stop = await queue.startWorker({ db, now: Date.now, services });
    await until(async () => (await listJobs(queue, {})).length === 0, 'the queue to drain');
    // Enqueued again after it ran: a second run, no second effect.
    await queue.enqueue('test.effect', { workspace_id: ws.id, n: 1 });
    await until(async () => (await listJobs(queue, {})).length === 0, 'the queue to drain again');
    expect(await countEffects(db, ws.id)).toBe(2);
  });

  it('retries a failing job, lists it as failed with its error once out of attempts, and runs it again on retry', async () => {
    failuresLeft = 2;
    await queue.enqueue('test.flaky', { workspace_id: ws.id });
    stop = await queue.startWorker({ db, now: Date.now, services });
    await until(async () => (await listJobs(queue, { failed: true })).length === 1, 'the job to fail for good');
    const [failed] = await listJobs(queue, { failed: true, workspaceId: ws.id });
    expect(failed).toMatchObject({ name: 'test.flaky', state: 'failed', attempts: 2, max_attempts: 2, last_error: 'the far side said no (test)' });
    expect(await countEffects(db, ws.id)).toBe(0);
    // Another workspace cannot see or retry it.
    expect(await listJobs(queue, { workspaceId: 'ws_other' })).toEqual([]);
    await expect(retryJobOrThrow(queue, failed!.id, 'ws_other')).rejects.toMatchObject({ code: 'not_found' });
    expect(await retryJobOrThrow(queue, failed!.id, ws.id)).toMatchObject({ state: 'queued', attempts: 0 });
    await until(async () => (await listJobs(queue, {})).length === 0, 'the retried job to succeed');
    expect(await countEffects(db, ws.id)).toBe(1);
  });

  it('runs many jobs several at a time, each once, and keeps the failures of a round with their errors beside its successes', async () => {
    for (let n = 0; n < 40; n += 1) await queue.enqueue('test.gated', { workspace_id: ws.id, n, fail: n % 10 === 3 });
    stop = await queue.startWorker({ db, now: Date.now, services }, { concurrency: 4 });
    await until(async () => (await listJobs(queue, {})).every((j) => j.state === 'failed'), 'every job to run once');
    expect(await countEffects(db, ws.id)).toBe(36);
    const left = await listJobs(queue, {});
    expect(left.map((j) => [j.payload, j.attempts, j.last_error])).toEqual(
      [3, 13, 23, 33].map((n) => [{ workspace_id: ws.id, n, fail: true }, 1, `job ${n} failed (test)`]),
    );
    expect(started).toBe(40);
  });

  // The in-process runner writes outcomes in rounds, so its stop must write the last round.
  // (graphile-worker's stop leaves jobs cut short locked; the sweep of dead workers frees them.)
  it.runIf(dialect === 'sqlite')('stopping a worker lets its running jobs finish and records them: none is left running or runs again', async () => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    for (let n = 0; n < 3; n += 1) await queue.enqueue('test.gated', { workspace_id: ws.id, n, fail: n === 2 });
    const stopping = await queue.startWorker({ db, now: Date.now, services }, { concurrency: 4 });
    await until(async () => started === 3, 'the three jobs to start');
    expect((await listJobs(queue, {})).map((j) => j.state)).toEqual(['running', 'running', 'running']);
    const stopped = stopping();
    release();
    await stopped;
    gate = Promise.resolve();
    expect(await countEffects(db, ws.id)).toBe(2);
    expect((await listJobs(queue, {})).map((j) => [j.state, j.attempts, j.last_error])).toEqual([['failed', 1, 'job 2 failed (test)']]);
  });
});
