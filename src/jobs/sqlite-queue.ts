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

  /** Takes the next due job: its lease and its attempt, in one write. */
  const take = async (runner: string): Promise<JobsTable | undefined> => {
    const at = now();
    return db.kysely.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('local_jobs')
        .selectAll()
        .where('run_at', '<=', at)
        .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
        .orderBy('run_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!row) return undefined;
      const taken = { locked_by: runner, locked_until: at + LEASE_MS, attempts: row.attempts + 1 };
      await trx.updateTable('local_jobs').set(taken).where('id', '=', row.id).execute();
      return { ...row, ...taken };
    });
  };

  const execute = async (row: JobsTable, runner: string, ctx: JobContext, onError: (error: unknown) => void) => {
    const definition = registry.get(row.name);
    const renew = setInterval(() => {
      void db.kysely.updateTable('local_jobs').set({ locked_until: now() + LEASE_MS }).where('id', '=', row.id).where('locked_by', '=', runner).execute().catch(onError);
    }, LEASE_MS / 3);
    try {
      if (!definition) throw new Error(`no job named ${row.name} in this version`);
      await definition.run(definition.payload.parse(JSON.parse(row.payload)), ctx);
      await db.kysely.deleteFrom('local_jobs').where('id', '=', row.id).where('locked_by', '=', runner).execute();
    } catch (error) {
      await db.kysely
        .updateTable('local_jobs')
        .set({ last_error: errorText(error), run_at: now() + backoffMs(row.attempts), locked_by: null, locked_until: null })
        .where('id', '=', row.id)
        .where('locked_by', '=', runner)
        .execute();
    } finally {
      clearInterval(renew);
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
      const loops: Promise<void>[] = [];
      for (let i = 0; i < (options.concurrency ?? 1); i += 1) {
        const runner = `local-${process.pid}-${randomBytes(4).toString('hex')}`;
        loops.push((async () => {
          while (!stopping.signal.aborted) {
            const row = await take(runner).catch((error) => {
              onError(error);
              return undefined;
            });
            if (row) {
              await execute(row, runner, ctx, onError).catch(onError);
              continue;
            }
            await new Promise<void>((resolve) => {
              const done = () => {
                clearTimeout(timer);
                wakers.delete(done);
                stopping.signal.removeEventListener('abort', done);
                resolve();
              };
              const timer = setTimeout(done, POLL_MS);
              wakers.add(done);
              stopping.signal.addEventListener('abort', done);
            });
          }
        })());
      }
      const stopCron = startCron(registry, enqueue, now, onError);
      return async () => {
        stopCron();
        stopping.abort();
        await Promise.all(loops);
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
