/**
 * The worker role (`rapport worker`, and `rapport serve` unless --no-worker): runs the jobs
 * of every domain from the queue, the tickers that enqueue work as it comes due, and an IDLE
 * connection per mail account that enqueues a sync when new mail arrives. Any number of
 * workers may share one database.
 */
import type { Db } from '../db/database.js';
import type { JobServices, Queue } from '../jobs/jobs.types.js';
import { startTickers } from '../jobs/queue.js';
import { createRegistry, type JobRegistry } from '../jobs/registry.js';
import { syncAccountJob } from '../mail/mail.jobs.js';
import { startMailWorker } from '../mail/mail.worker.js';
import { JOBS, TICKERS } from './jobs.js';
import { openQueue } from '../jobs/queue.js';

export interface WorkerRoleOptions {
  now: () => number;
  services: JobServices;
  /** Jobs run at once in this process (default 4). */
  concurrency?: number;
  /** Keep an IDLE connection per mail account (default true). */
  watchMail?: boolean;
  onError: (error: unknown) => void;
}

let registry: JobRegistry | undefined;
/** Every domain's job definitions, checked once (a name defined twice throws). */
export function jobRegistry(): JobRegistry {
  registry ??= createRegistry(JOBS);
  return registry;
}

/** The queue of `db` with every domain's jobs. */
export function openAppQueue(db: Db): Promise<Queue> {
  return openQueue(db, jobRegistry());
}

/** Starts the worker role on `queue`; returns the stopper, which lets running jobs finish. */
export async function startWorkerRole(db: Db, queue: Queue, options: WorkerRoleOptions): Promise<() => Promise<void>> {
  const base = { db, now: options.now, services: options.services };
  const stopJobs = await queue.startWorker(base, { concurrency: options.concurrency, onError: options.onError });
  const stopTickers = startTickers(TICKERS, { ...base, enqueue: queue.enqueue, signal: new AbortController().signal }, options.onError);
  const stopMail = options.watchMail === false
    ? async () => undefined
    : startMailWorker(db, {
        key: options.services.mailKey,
        now: options.now,
        onError: options.onError,
        enqueueSync: (row) => queue.enqueue(syncAccountJob.name, { workspace_id: row.workspace_id, account_id: row.id }),
      });
  return async () => {
    await Promise.all([stopTickers(), stopMail()]);
    await stopJobs();
  };
}
