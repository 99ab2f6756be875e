/**
 * Failed sign-ins per account, beside the per-address limit: guessing one account's password
 * from many addresses stops after `max` failures until the window that began with the first
 * failure ends. A successful sign-in clears the count. In memory on the embedded database (one
 * process serves it); in PostgreSQL when servers share one, so that N servers do not allow N
 * times the failures.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const ACCOUNT_WINDOW_MS = 15 * 60_000;
/** Accounts tracked at most; beyond, the oldest entries go (memory stays bounded under a spray). */
const MAX_TRACKED = 10_000;

export interface AccountLimiter {
  /** Seconds to wait before this account may try again; 0 when it may now. */
  retryAfter(account: string, now: number): Promise<number>;
  recordFailure(account: string, now: number): Promise<void>;
  clear(account: string): Promise<void>;
}

export function createAccountLimiter(max: number, windowMs = ACCOUNT_WINDOW_MS): AccountLimiter {
  const failures = new Map<string, { count: number; until: number }>();
  return {
    async retryAfter(account, now) {
      const entry = failures.get(account);
      if (!entry || entry.until <= now) return 0;
      return entry.count >= max ? Math.ceil((entry.until - now) / 1000) : 0;
    },
    async recordFailure(account, now) {
      const entry = failures.get(account);
      if (entry && entry.until > now) entry.count += 1;
      else {
        failures.delete(account);
        if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value!);
        failures.set(account, { count: 1, until: now + windowMs });
      }
    },
    async clear(account) {
      failures.delete(account);
    },
  };
}

/** The same limiter counting in the shared rate-limit table (`rate_limit_hits`) of a PostgreSQL database. */
export function createSharedAccountLimiter(db: Kysely<Database>, max: number, windowMs = ACCOUNT_WINDOW_MS): AccountLimiter {
  const keyOf = (account: string) => `login-account|${account.trim().toLowerCase()}`;
  return {
    async retryAfter(account, now) {
      const row = await db.selectFrom('rate_limit_hits').select(['hits', 'window_start']).where('key', '=', keyOf(account)).executeTakeFirst();
      if (!row) return 0;
      const until = Number(row.window_start) + windowMs;
      return until > now && row.hits >= max ? Math.ceil((until - now) / 1000) : 0;
    },
    async recordFailure(account, now) {
      await sql`
        insert into rate_limit_hits (key, window_start, hits) values (${keyOf(account)}, ${now}, 1)
        on conflict (key) do update set
          hits = case when rate_limit_hits.window_start + ${windowMs} <= ${now} then 1 else rate_limit_hits.hits + 1 end,
          window_start = case when rate_limit_hits.window_start + ${windowMs} <= ${now} then ${now} else rate_limit_hits.window_start end`.execute(db);
    },
    async clear(account) {
      await db.deleteFrom('rate_limit_hits').where('key', '=', keyOf(account)).execute();
    },
  };
}
