/**
 * Failed sign-ins per account, beside the per-address limit: guessing one account's password
 * from many addresses stops after `max` failures until the window that began with the first
 * failure ends. A successful sign-in clears the count. In memory, like the per-address limits.
 */
export const ACCOUNT_WINDOW_MS = 15 * 60_000;
/** Accounts tracked at most; beyond, the oldest entries go (memory stays bounded under a spray). */
const MAX_TRACKED = 10_000;

export interface AccountLimiter {
  /** Seconds to wait before this account may try again; 0 when it may now. */
  retryAfter(account: string, now: number): number;
  recordFailure(account: string, now: number): void;
  clear(account: string): void;
}

export function createAccountLimiter(max: number, windowMs = ACCOUNT_WINDOW_MS): AccountLimiter {
  const failures = new Map<string, { count: number; until: number }>();
  return {
    retryAfter(account, now) {
      const entry = failures.get(account);
      if (!entry || entry.until <= now) return 0;
      return entry.count >= max ? Math.ceil((entry.until - now) / 1000) : 0;
    },
    recordFailure(account, now) {
      const entry = failures.get(account);
      if (entry && entry.until > now) entry.count += 1;
      else {
        failures.delete(account);
        if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value!);
        failures.set(account, { count: 1, until: now + windowMs });
      }
    },
    clear(account) {
      failures.delete(account);
    },
  };
}
