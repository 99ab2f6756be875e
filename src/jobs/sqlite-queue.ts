/**
 * The in-process runner of the embedded (SQLite) engine: the same job definitions as
 * graphile-worker runs on PostgreSQL, with the same semantics. Jobs wait in `local_jobs`;
 * a runner takes one by setting a lease (locked_until) and its attempt; success deletes it,
 * failure stores the error and schedules the next attempt with graphile-worker's backoff
 * (exp(attempts) seconds), until max_attempts leaves it failed for `rapport jobs retry`. The
 * lease is renewed while the handler runs, so a process that died leaves its job to be taken
 * again when the lease runs out. A key makes enqueueing idempotent: a waiting job with that
 * key gets the new payload (and fresh attempts) instead of a second row.
 */
import { randomBytes } from 'node:crypto';
import { parseCronItems } from 'graphile-worker';
import type { Db } from '../db/database.js';
import type { Selectable } from 'kysely';
import type { LocalJobsTable } from './jobs.table.js';

type JobsTable = Selectable<LocalJobsTable>;
import { backoffMs, type EnqueueOptions, type JobContext, type JobView, type Queue, type WorkerOptions } from './jobs.types.js';
import { checkJob, errorText, jobNumber, type JobRegistry } from './registry.js';

const LEASE_MS = 60_000;

/** A finished job's result, kept until the runner's next write: an error text means it failed. */
interface Outcome {
  id: number;
  attempts: number;
  error?: string;
}
const POLL_MS = 250;

function rowToView(row: JobsTable, now: number): JobView {
  const running = row.locked_until !== null && row.locked_until > now;
  return {
    id: `job-${row.id}`,
    name: row.name,
    state: running ? 'running' : row.attempts >= row.max_attempts ? 'failed' : 'queued',
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    run_at: row.run_at,
    last_error: row.last_error,
    key: row.key,
    workspace_id: row.workspace_id,
    payload: JSON.parse(row.payload),
  };
}

export function createSqliteQueue(db: Db, registry: JobRegistry, now: () => number = Date.now): Queue {
  const wakers = new Set<() => void>();

  const enqueue = async (name: string, payload: unknown, options: EnqueueOptions = {}) => {
    const job = checkJob(registry, name, payload, options);
    const at = now();
    const runAt = options.runAt ?? at;
    const values = { name, payload: JSON.stringify(job.payload), workspace_id: job.workspaceId, max_attempts: job.definition.maxAttempts };
    await db.kysely.transaction().execute(async (trx) => {
      if (job.key !== null) {
        const existing = await trx.selectFrom('local_jobs').selectAll().where('key', '=', job.key).executeTakeFirst();
        if (existing && (existing.locked_until === null || existing.locked_until <= at)) {
          // As graphile-worker's job_key_mode preserve_run_at: a job still waiting its first
          // attempt keeps its time; a failed or retrying one starts afresh.
          await trx.updateTable('local_jobs').set({ ...values, attempts: 0, last_error: null, run_at: existing.attempts === 0 ? existing.run_at : runAt }).where('id', '=', existing.id).execute();
          return;
        }
        // Running now: it keeps running, the new one waits under the key.
        if (existing) await trx.updateTable('local_jobs').set({ key: null }).where('id', '=', existing.id).execute();
      }
      await trx.insertInto('local_jobs').values({ ...values, key: job.key, run_at: runAt, attempts: 0, last_error: null, locked_by: null, locked_until: null, created_at: at }).execute();
    });
    for (const wake of wakers) wake();
  };

  /**
   * One write transaction per round of the runner: records the outcomes of the jobs that
   * finished since the last round (success deletes the row, failure stores its error and next
   * attempt) and takes up to `slots` due jobs (their lease and attempt). With synchronous =
   * FULL each commit waits for the disk, so a transaction per take and per completion held the
   * runner at one disk sync per half job. A job that finished but whose outcome is not yet
   * written keeps its lease; if the process dies first, the job runs again when the lease runs
   * out, which at-least-once delivery allows and idempotent jobs absorb.
   */
  const exchange = async (runner: string, outcomes: Outcome[], slots: number): Promise<JobsTable[]> => {
    const at = now();
    return db.kysely.transaction().execute(async (trx) => {
      const succeeded = outcomes.filter((o) => o.error === undefined).map((o) => o.id);
      if (succeeded.length) await trx.deleteFrom('local_jobs').where('id', 'in', succeeded).where('locked_by', '=', runner).execute();
      for (const o of outcomes) {
        if (o.error === undefined) continue;
        await trx
          .updateTable('local_jobs')
          .set({ last_error: o.error, run_at: at + backoffMs(o.attempts), locked_by: null, locked_until: null })
          .where('id', '=', o.id)
          .where('locked_by', '=', runner)
          .execute();
      }
      if (slots === 0) return [];
      const rows = await trx
        .selectFrom('local_jobs')
        .selectAll()
        .where('run_at', '<=', at)
        .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
        .orderBy('run_at')
        .orderBy('id')
        .limit(slots)
        .execute();
      if (rows.length === 0) return [];
      const lease = { locked_by: runner, locked_until: at + LEASE_MS };
      await trx
        .updateTable('local_jobs')
        .set((eb) => ({ ...lease, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', rows.map((r) => r.id))
        .execute();
      return rows.map((row) => ({ ...row, ...lease, attempts: row.attempts + 1 }));
    });
  };

  /** Runs one taken job's handler; its outcome is written by the next exchange. */
  const execute = async (row: JobsTable, ctx: JobContext): Promise<Outcome> => {
    const definition = registry.get(row.name);
    try {
      if (!definition) throw new Error(`no job named ${row.name} in this version`);
      await definition.run(definition.payload.parse(JSON.parse(row.payload)), ctx);
      return { id: row.id, attempts: row.attempts };
    } catch (error) {
      return { id: row.id, attempts: row.attempts, error: errorText(error) };
    }
  };

  /**
   * One runner per worker: rounds of exchange, with up to `concurrency` handlers running at
   * once. Leases of the running and of the finished-but-unwritten jobs are renewed together.
   */
  const runWorker = async (ctx: JobContext, concurrency: number, signal: AbortSignal, onError: (error: unknown) => void) => {
    const runner = `local-${process.pid}-${randomBytes(4).toString('hex')}`;
    const held = new Set<number>();
    let outcomes: Outcome[] = [];
    let running = 0;
    let wake: (() => void) | undefined;
    const nudge = () => wake?.();
    wakers.add(nudge);
    signal.addEventListener('abort', nudge);
    const renew = setInterval(() => {
      if (held.size === 0) return;
      void db.kysely.updateTable('local_jobs').set({ locked_until: now() + LEASE_MS }).where('id', 'in', [...held]).where('locked_by', '=', runner).execute().catch(onError);
    }, LEASE_MS / 3);
    try {
      while (!signal.aborted || running > 0 || outcomes.length > 0) {
        const slots = signal.aborted ? 0 : concurrency - running;
        const written = outcomes;
        outcomes = [];
        let taken: JobsTable[] = [];
        let failed = false;
        try {
          taken = await exchange(runner, written, slots);
          for (const o of written) held.delete(o.id);
        } catch (error) {
          onError(error);
          failed = true;
          outcomes = written.concat(outcomes);
        }
        for (const row of taken) {
          held.add(row.id);
          running += 1;
          void execute(row, ctx).then((outcome) => {
            running -= 1;
            outcomes.push(outcome);
            nudge();
          });
        }
        if (signal.aborted && running === 0 && outcomes.length === 0) break;
        // Stopping and the database refuses the last write: the leases run out and the jobs
        // run again (at least once), rather than a stop that never returns.
        if (signal.aborted && running === 0 && failed) break;
        // Wait for a finished job, an enqueue or the next poll; a job that finished while the
        // exchange ran is written at once (after a failed write, at the next poll).
        if (outcomes.length === 0 || failed) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => wake?.(), POLL_MS);
            wake = () => {
              clearTimeout(timer);
              wake = undefined;
              resolve();
            };
          });
        }
        // Lets the handlers that finish in the same turn join this round's write.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      clearInterval(renew);
      wakers.delete(nudge);
      signal.removeEventListener('abort', nudge);
    }
  };

  return {
    enqueue,

    async list({ failed, workspaceId, limit = 100 }) {
      const at = now();
      let query = db.kysely.selectFrom('local_jobs').selectAll().orderBy('run_at').orderBy('id').limit(limit);
      if (failed) query = query.where((eb) => eb('attempts', '>=', eb.ref('max_attempts'))).where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]));
      if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
      return (await query.execute()).map((row) => rowToView(row, at));
    },

    async retry(id, workspaceId) {
      const number = jobNumber(id);
      if (number === null) return null;
      let query = db.kysely.updateTable('local_jobs').set({ attempts: 0, run_at: now() }).where('id', '=', number);
      // A running job is left to finish: retrying it would run it twice at once.
      query = query.where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now())]));
      if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
      const row = await query.returningAll().executeTakeFirst();
      for (const wake of wakers) wake();
      return row ? rowToView(row, now()) : null;
    },

    async startWorker(base, options: WorkerOptions = {}) {
      const stopping = new AbortController();
      const onError = options.onError ?? (() => undefined);
      const ctx: JobContext = { ...base, enqueue, signal: stopping.signal };
      const loop = runWorker(ctx, options.concurrency ?? 1, stopping.signal, onError);
      const stopCron = startCron(registry, enqueue, now, onError);
      return async () => {
        stopCron();
        stopping.abort();
        await loop;
      };
    },

    async close() {},
  };
}

/** Enqueues each cron job when its minute comes (UTC), keyed by the minute: one process, one enqueue. */
function startCron(registry: JobRegistry, enqueue: Queue['enqueue'], now: () => number, onError: (error: unknown) => void): () => void {
  // Items, not crontab text: a crontab line refuses a task name with a dot (health.rescore-due).
  const items = parseCronItems([...registry.values()].filter((d) => d.cron).map((d) => ({ task: d.name, match: d.cron as string, identifier: d.name })));
  if (items.length === 0) return () => undefined;
  let last = Math.floor(now() / 60_000);
  const timer = setInterval(() => {
    const minute = Math.floor(now() / 60_000);
    if (minute === last) return;
    last = minute;
    const d = new Date(minute * 60_000);
    const digest = { min: d.getUTCMinutes(), hour: d.getUTCHours(), date: d.getUTCDate(), month: d.getUTCMonth() + 1, dow: d.getUTCDay() };
    for (const item of items) {
      if (item.match(digest)) enqueue(item.task, {}, { key: `cron:${item.task}` }).catch(onError);
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
