/**
 * A job is declared once, by the domain that owns the work (`<domain>.jobs.ts`): its name,
 * the zod schema of its payload, the handler, how often it is tried and the key that makes
 * enqueueing it twice one job. The queue adapter (graphile-worker on PostgreSQL, the
 * in-process runner on SQLite) runs the same definitions. Delivery is at least once: a
 * handler must change nothing when it runs again for work already done.
 */
import type { z } from 'zod';
import type { Db } from '../db/database.js';
import type { MailKey } from '../mail/secret-box.js';
import type { Sender } from '../webhooks/delivery.js';

export interface EnqueueOptions {
  /** Jobs with one key are one job: enqueueing again while it waits replaces its payload, keeps its time. */
  key?: string;
  /** Not before this instant (ms since the epoch). */
  runAt?: number;
}

export type Enqueue = (name: string, payload: unknown, options?: EnqueueOptions) => Promise<void>;

/** What the process provides to handlers beyond the database. */
export interface JobServices {
  /** The key sealing mail passwords, loaded on first use. */
  mailKey: () => MailKey;
  allowPrivateWebhooks: boolean;
  /** Replaces the webhook HTTP client (tests). */
  webhookSender?: Sender;
}

/** What a handler may use besides its payload; the composition root (src/app/worker.ts) provides it. */
export interface JobContext {
  db: Db;
  now: () => number;
  enqueue: Enqueue;
  services: JobServices;
  /** Aborts when the worker shuts down; long handlers stop between steps. */
  signal: AbortSignal;
}

export interface JobDefinition<P = unknown> {
  name: string;
  payload: z.ZodType<P>;
  run: (payload: P, ctx: JobContext) => Promise<void>;
  /** Attempts before the job is failed for good (retried with exponential backoff before). */
  maxAttempts: number;
  /** The key a payload is enqueued under unless the caller gives one. */
  key?: (payload: P) => string;
  /** Cron schedule (minute hour day month weekday, UTC) on which the queue enqueues it with an empty payload. */
  cron?: string;
}

/** Declares a job with its payload type checked against its schema. */
export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

/** Seconds before attempt n+1 after n failed attempts: graphile-worker's schedule, kept by both engines. */
export function backoffMs(attempts: number): number {
  return Math.round(Math.exp(Math.min(attempts, 10)) * 1000);
}

/**
 * Work a worker process does every few seconds besides running jobs: finding what became due
 * (webhook deliveries whose retry time came) and enqueueing it. Every worker runs it; job keys
 * make the enqueues of several workers one job.
 */
export interface JobTicker {
  name: string;
  everyMs: number;
  run: (ctx: JobContext) => Promise<void>;
}

export interface JobView {
  id: string;
  name: string;
  state: 'queued' | 'running' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: number;
  last_error: string | null;
  key: string | null;
  workspace_id: string | null;
  payload: unknown;
}

/** A queue both engines offer: enqueue, run (worker role), list and retry. */
export interface Queue {
  enqueue: Enqueue;
  /** Queued, running and failed jobs, oldest first; `failed` keeps the failed ones only. */
  list(filter: { failed?: boolean; workspaceId?: string; limit?: number }): Promise<JobView[]>;
  /** Runs a failed (or waiting) job again now with fresh attempts; false when no such job. */
  retry(id: string, workspaceId?: string): Promise<JobView | null>;
  /** Starts executing jobs in this process until the returned stopper is called. */
  startWorker(ctx: Omit<JobContext, 'signal' | 'enqueue'>, options?: WorkerOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency?: number;
  onError?: (error: unknown) => void;
}

/** A definition whatever its payload: the queue parses each payload with its own definition's schema before the handler sees it. */
// biome-ignore lint/suspicious/noExplicitAny: payload types differ per job; each is checked by its own schema at run time
export type AnyJobDefinition = JobDefinition<any>;
