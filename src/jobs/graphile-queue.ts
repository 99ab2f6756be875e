/**
 * The PostgreSQL queue: graphile-worker. Its schema (graphile_worker) is migrated by the
 * library itself when a queue opens; jobs are added with a job key in preserve_run_at mode
 * (the SQLite runner mirrors it), cron jobs come from its crontab, which schedules each
 * minute once across every worker process (known_crontabs), and retries follow its
 * exponential backoff. Listing reads its tables; retry is rescheduleJobs.
 *
 * graphile-worker frees the jobs of a worker that died only after four hours. Each worker
 * process here therefore holds a session advisory lock per graphile worker id on a
 * connection of its own: PostgreSQL drops the locks with the connection when the process
 * dies, and any live worker that finds a job locked by an id whose lock it can take unlocks
 * that worker's jobs (forceUnlockWorkers), so they run again within seconds.
 */
import { Logger, makeWorkerUtils, parseCronItems, run, type Runner, type TaskList, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { EnqueueOptions, JobContext, JobView, Queue, WorkerOptions } from './jobs.types.js';
import { checkJob, jobNumber, type JobRegistry } from './registry.js';

const SWEEP_MS = 5_000;
/** A job locked this long by a worker whose connection is gone is taken back. */
const STALE_LOCK_S = 5;

interface JobRow {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  last_error: string | null;
  key: string | null;
  locked_at: Date | null;
}

function rowToView(row: JobRow): JobView {
  const payload = row.payload as { workspace_id?: unknown } | null;
  return {
    id: `job-${row.id}`,
    name: row.name,
    state: row.locked_at ? 'running' : row.attempts >= row.max_attempts ? 'failed' : 'queued',
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    run_at: new Date(row.run_at).getTime(),
    last_error: row.last_error,
    key: row.key,
    workspace_id: typeof payload?.workspace_id === 'string' ? payload.workspace_id : null,
    payload: row.payload,
  };
}

/** graphile-worker's own log, reduced to its errors. */
function quietLogger(onError: (error: unknown) => void): Logger {
  return new Logger(() => (level, message) => {
    if (level === 'error') onError(new Error(message.split('\n')[0]));
  });
}

function lockKey(workerId: string) {
  return sql`hashtext(${`rapport:worker:${workerId}`})`;
}

export async function createGraphileQueue(db: Db, registry: JobRegistry): Promise<Queue> {
  if (!db.url) throw new Error('the PostgreSQL queue needs the connection URL');
  const connectionString = db.url;
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString, maxPoolSize: 2, logger: quietLogger(() => undefined) });
  await utils.migrate();

  const enqueue = async (name: string, payload: unknown, options: EnqueueOptions = {}) => {
    const job = checkJob(registry, name, payload, options);
    await utils.addJob(name, job.payload as never, {
      jobKey: job.key ?? undefined,
      jobKeyMode: job.key ? 'preserve_run_at' : undefined,
      runAt: options.runAt === undefined ? undefined : new Date(options.runAt),
      maxAttempts: job.definition.maxAttempts,
    });
  };

  const select = () =>
    sql<JobRow>`select j.id, t.identifier as name, j.payload, j.attempts, j.max_attempts, j.run_at, j.last_error, j.key, j.locked_at
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id`;

  return {
    enqueue,

    async list({ failed, workspaceId, limit = 100 }) {
      const where = [sql`true`];
      if (failed) where.push(sql`j.attempts >= j.max_attempts and j.locked_at is null`);
      if (workspaceId) where.push(sql`j.payload->>'workspace_id' = ${workspaceId}`);
      const { rows } = await sql<JobRow>`${select()} where ${sql.join(where, sql` and `)} order by j.run_at, j.id limit ${limit}`.execute(db.kysely);
      return rows.map(rowToView);
    },

    async retry(id, workspaceId) {
      const number = jobNumber(id);
      if (number === null) return null;
      const { rows } = await sql<JobRow>`${select()} where j.id = ${number}::bigint ${workspaceId ? sql`and j.payload->>'workspace_id' = ${workspaceId}` : sql``}`.execute(db.kysely);
      if (!rows[0]) return null;
      // graphile-worker's reschedule_jobs, called directly: WorkerUtils.rescheduleJobs passes
      // `attempts || null`, so fresh attempts (0) would keep the old count. A running (locked)
      // job is left alone by it: it would otherwise run twice at once.
      const { rows: jobs } = await sql<{ attempts: number; run_at: Date; locked_at: Date | null }>`select attempts, run_at, locked_at
        from graphile_worker.reschedule_jobs(array[${number}::bigint], run_at := now(), attempts := 0)`.execute(db.kysely);
      const job = jobs[0];
      return job ? rowToView({ ...rows[0], attempts: job.attempts, run_at: job.run_at, locked_at: job.locked_at }) : null;
    },

    async startWorker(base, options: WorkerOptions = {}) {
      const onError = options.onError ?? (() => undefined);
      const stopping = new AbortController();
      const ctx: JobContext = { ...base, enqueue, signal: stopping.signal };
      const taskList: TaskList = {};
      for (const definition of registry.values()) {
        taskList[definition.name] = async (payload) => {
          await definition.run(definition.payload.parse(payload), ctx);
        };
      }
      const parsedCronItems = parseCronItems(
        [...registry.values()]
          .filter((d) => d.cron)
          .map((d) => ({ task: d.name, match: d.cron as string, identifier: d.name, options: { backfillPeriod: 0, jobKey: `cron:${d.name}`, jobKeyMode: 'preserve_run_at' as const } })),
      );
      // The connection that holds this process's liveness locks.
      const life = new pg.Client({ connectionString });
      await life.connect();
      life.on('error', onError);
      const held = new Set<string>();
      const runner: Runner = await run({ connectionString, concurrency: options.concurrency ?? 4, noHandleSignals: true, pollInterval: 500, taskList, parsedCronItems, logger: quietLogger(onError) });
      runner.events.on('worker:create', ({ worker }) => {
        held.add(worker.workerId);
        life.query('select pg_advisory_lock(hashtext($1))', [`rapport:worker:${worker.workerId}`]).catch(onError);
      });
      const sweep = setInterval(() => void sweepDeadWorkers(db, utils, held).catch(onError), SWEEP_MS);
      sweep.unref();
      return async () => {
        clearInterval(sweep);
        stopping.abort();
        await runner.stop();
        await life.end().catch(() => undefined);
      };
    },

    async close() {
      await utils.release();
    },
  };
}

/** Unlocks the jobs of graphile workers whose process is gone (their liveness lock is free). */
async function sweepDeadWorkers(db: Db, utils: WorkerUtils, own: Set<string>): Promise<void> {
  const { rows } = await sql<{ locked_by: string }>`select distinct locked_by from graphile_worker._private_jobs
    where locked_by is not null and locked_at < now() - make_interval(secs => ${STALE_LOCK_S})`.execute(db.kysely);
  const dead: string[] = [];
  for (const { locked_by: workerId } of rows) {
    if (own.has(workerId)) continue;
    await db.kysely.connection().execute(async (conn) => {
      const { rows: got } = await sql<{ free: boolean }>`select pg_try_advisory_lock(${lockKey(workerId)}) as free`.execute(conn);
      if (!got[0]?.free) return;
      await sql`select pg_advisory_unlock(${lockKey(workerId)})`.execute(conn);
      dead.push(workerId);
    });
  }
  if (dead.length === 0) return;
  // graphile-worker counts an attempt when it takes a job, so a job cut off by the crash may
  // look out of attempts (always so with max_attempts 1): the crash was not its attempt.
  const { rows: cut } = await sql<{ id: string; attempts: number }>`select id, attempts from graphile_worker._private_jobs
    where locked_by = any(${dead}::text[]) and attempts >= max_attempts`.execute(db.kysely);
  await utils.forceUnlockWorkers(dead);
  for (const job of cut) {
    await sql`select 1 from graphile_worker.reschedule_jobs(array[${job.id}::bigint], run_at := now(), attempts := ${job.attempts - 1})`.execute(db.kysely);
  }
}
