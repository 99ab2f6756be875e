/**
 * A store for @fastify/rate-limit that counts in PostgreSQL, so that every server sharing the
 * database enforces one limit (the plugin's own store counts per process: two servers would
 * allow twice the limit). Fixed windows: the first hit of a key opens a window of `timeWindow`
 * ms, later hits count in it, a hit after it opens the next one; one statement per hit.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

interface StoreOptions {
  routeInfo?: { method?: string | string[]; url?: string };
  max?: unknown;
  timeWindow?: unknown;
}

/** Expired windows are swept now and then, by whichever server's hit draws the lot. */
const SWEEP_EVERY = 500;

/** The store class to register with @fastify/rate-limit (`store:`), counting in `db`. */
export function sharedRateLimitStore(db: Kysely<Database>, now: () => number = Date.now): FastifyRateLimitStoreCtor {
  let hits = 0;
  const incr = async (key: string, timeWindow: number) => {
    const at = now();
    const row = await sql<{ hits: number; window_start: string }>`
      insert into rate_limit_hits (key, window_start, hits) values (${key}, ${at}, 1)
      on conflict (key) do update set
        hits = case when rate_limit_hits.window_start + ${timeWindow} <= ${at} then 1 else rate_limit_hits.hits + 1 end,
        window_start = case when rate_limit_hits.window_start + ${timeWindow} <= ${at} then ${at} else rate_limit_hits.window_start end
      returning hits, window_start`.execute(db);
    hits += 1;
    if (hits % SWEEP_EVERY === 0) await sql`delete from rate_limit_hits where window_start < ${at - 86_400_000}`.execute(db);
    const current = row.rows[0]!;
    return { current: current.hits, ttl: Math.max(0, Number(current.window_start) + timeWindow - at) };
  };
  const read = async (key: string, timeWindow: number) => {
    const at = now();
    const row = await db.selectFrom('rate_limit_hits').select(['hits', 'window_start']).where('key', '=', key).executeTakeFirst();
    if (!row || Number(row.window_start) + timeWindow <= at) return { current: 0, ttl: 0 };
    return { current: row.hits, ttl: Number(row.window_start) + timeWindow - at };
  };
  class Store implements FastifyRateLimitStore {
    /** Keys of one limit stay apart from another's: a route's limit and a limiter's count separately. */
    private readonly prefix: string;
    constructor(options: object) {
      this.prefix = scopeOf(options as StoreOptions);
    }
    incr(key: string, callback: Callback, timeWindow: number): void {
      incr(`${this.prefix}|${key}`, timeWindow).then((r) => callback(null, r), (error: Error) => callback(error));
    }
    read(key: string, callback: Callback, timeWindow: number): void {
      read(`${this.prefix}|${key}`, timeWindow).then((r) => callback(null, r), (error: Error) => callback(error));
    }
    child(options: object): FastifyRateLimitStore {
      return new Store(options);
    }
  }
  return Store;
}

function scopeOf(options: StoreOptions): string {
  const route = options.routeInfo;
  if (route?.url) return `${[route.method].flat().join(',')} ${route.url}`;
  return `limit:${String(options.max)}:${String(options.timeWindow)}`;
}
