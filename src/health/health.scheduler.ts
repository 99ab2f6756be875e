/**
 * The daily health job of `rapport serve`. Health is kept daily (SPEC §5.2): the slipping flag
 * and the trend charts read one snapshot per contact and local day, and metrics such as days
 * since the last touch age even when no mail arrives. So once per local day of each workspace
 * (its time zone, not the server's) every contact is rescored, which also writes that day's
 * snapshot. A workspace is due when its least recently scored contact was scored before its
 * local midnight: the check is one index lookup, so it runs every minute, catches up after a
 * server was down at midnight, and does nothing when `rapport rescore` already ran that day.
 */
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../db/database.js';
import { watchWorkspace } from '../webhooks/change-events.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { listWorkspaces } from '../workspaces/workspaces.service.js';
import { findOldestHealthComputedAt, hasContacts } from './health.repo.js';
import { rescoreWorkspace } from './health.service.js';

/** Whether the workspace's stored health predates its local day at `now`. */
async function isDue(db: Db, ws: Workspace, now: number): Promise<boolean> {
  const midnight = DateTime.fromMillis(now, { zone: ws.settings.time_zone }).startOf('day').toMillis();
  const oldest = await findOldestHealthComputedAt(db.kysely, ws.id);
  return oldest === null ? hasContacts(db.kysely, ws.id) : oldest < midnight;
}

/**
 * On PostgreSQL several servers may share the database: a session lock per workspace lets one
 * of them rescore while the others skip it (and find it current on their next check). SQLite
 * has one server process.
 */
async function withWorkspaceLock(db: Db, ws: Workspace, fn: () => Promise<void>): Promise<void> {
  if (db.dialect !== 'postgres') return fn();
  await db.kysely.connection().execute(async (conn) => {
    const key = sql`hashtext(${`rapport:rescore:${ws.id}`})`;
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
    if (!rows[0]?.locked) return;
    try {
      await fn();
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}

/**
 * Rescores, at `now`, every workspace whose stored health is from an earlier local day.
 * Returns the workspaces it rescored.
 * @throws AbortError when `signal` aborts (between batches; finished batches stay stored).
 */
export async function rescoreDueWorkspaces(db: Db, now: number, signal?: AbortSignal): Promise<Workspace[]> {
  const rescored: Workspace[] = [];
  for (const ws of await listWorkspaces(db.kysely)) {
    signal?.throwIfAborted();
    if (await rescoreWorkspaceIfDue(db, ws, now, signal)) rescored.push(ws);
  }
  return rescored;
}

/** Whether `ws` is due a rescore at `now` (its stored health is from an earlier local day). */
export function isWorkspaceDue(db: Db, ws: Workspace, now: number): Promise<boolean> {
  return isDue(db, ws, now);
}

/**
 * Rescores `ws` at `now` when its stored health is from an earlier local day and no other
 * process is rescoring it; true when it did. Running it again the same day does nothing.
 * @throws AbortError when `signal` aborts (between batches).
 */
export async function rescoreWorkspaceIfDue(db: Db, ws: Workspace, now: number, signal?: AbortSignal): Promise<boolean> {
  if (!(await isDue(db, ws, now))) return false;
  let done = false;
  await withWorkspaceLock(db, ws, async () => {
    // Another server may have finished it between the check and the lock.
    if (!(await isDue(db, ws, now))) return;
    // Webhooks hear of the statuses that moved overnight, as after `rapport rescore`.
    const watch = await watchWorkspace(db.kysely, ws, now, { waits: false });
    await rescoreWorkspace(db, ws, now, undefined, { signal });
    await watch.finish();
    done = true;
  });
  return done;
}

export interface DailyRescoreOptions {
  now: () => number;
  /** How often to look for a workspace whose day has turned (default one minute). */
  everyMs?: number;
  onRescored?: (workspaces: Workspace[]) => void;
  onError?: (error: unknown) => void;
}

/**
 * Checks at once and then every `everyMs` for workspaces due a rescore; one round at a time.
 * Returns `stop`, which interrupts a running rescore between batches and waits for it.
 */
export function startDailyRescore(db: Db, options: DailyRescoreOptions): () => Promise<void> {
  const stopping = new AbortController();
  let running: Promise<void> | null = null;
  const round = () => {
    if (running || stopping.signal.aborted) return;
    running = rescoreDueWorkspaces(db, options.now(), stopping.signal)
      .then((rescored) => {
        if (rescored.length > 0) options.onRescored?.(rescored);
      })
      .catch((error) => {
        if (!stopping.signal.aborted) options.onError?.(error);
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(round, options.everyMs ?? 60_000);
  timer.unref();
  round();
  return async () => {
    clearInterval(timer);
    stopping.abort();
    await running;
  };
}
