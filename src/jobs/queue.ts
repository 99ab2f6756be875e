/** Opens the queue of the database's engine: graphile-worker on PostgreSQL, the in-process runner on SQLite. */
import type { Db } from '../db/database.js';
import { createGraphileQueue } from './graphile-queue.js';
import type { JobContext, JobTicker, Queue } from './jobs.types.js';
import { createSqliteQueue } from './sqlite-queue.js';
import type { JobRegistry } from './registry.js';

export async function openQueue(db: Db, registry: JobRegistry): Promise<Queue> {
  return db.dialect === 'postgres' ? createGraphileQueue(db, registry) : createSqliteQueue(db, registry);
}

/** Runs each ticker every `everyMs`, one round at a time; returns the stopper. */
export function startTickers(tickers: readonly JobTicker[], ctx: JobContext, onError: (error: unknown) => void): () => Promise<void> {
  const running = new Set<Promise<void>>();
  const timers = tickers.map((ticker) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const round = ticker.run(ctx).catch(onError).finally(() => {
        busy = false;
        running.delete(round);
      });
      running.add(round);
    }, ticker.everyMs);
    timer.unref();
    return timer;
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(running);
  };
}
