/**
 * The PostgreSQL connection pool under Kysely, made safe to lose: a pg client whose connection
 * dies emits 'error', and a client without a listener takes the whole process down (pg-pool
 * listens only while a client is idle, not while Kysely holds it in a transaction). Every
 * client gets a listener for its whole life, and every failure that means "the server is
 * gone" (refused, reset, terminated, shut down) reaches callers as one UnavailableError:
 * "lost the connection to PostgreSQL at host:port: …". The pool replaces dead clients by
 * itself, so work resumes when the server is back.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { UnavailableError } from '../errors.js';

/** Node's socket errors and PostgreSQL's connection-exception (08) and shutdown (57P0x) codes. */
const LOST_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03']);
const LOST_MESSAGES = /connection terminated|not queryable|timeout exceeded when trying to connect|terminating connection|the database system is (starting up|shutting down|in recovery mode)/i;

/** Whether an error from pg means the connection to the server is lost or cannot be made. */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof UnavailableError) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (LOST_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return typeof e.message === 'string' && LOST_MESSAGES.test(e.message);
}

/** host:port of a connection URL, the part of it a message may show. */
export function serverOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the configured server';
  }
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused (is the server running?)';
  if (/timeout exceeded when trying to connect|connection timeout/i.test(e.message ?? '')) {
    return 'no connection within the time limit (the server unreachable, or every connection busy)';
  }
  return e.message || e.code || String(error);
}

export interface SafePool {
  /** What Kysely's PostgresDialect takes. */
  pool: PostgresPool;
  /** The error as callers should see it: an UnavailableError when the server is gone. */
  translate(error: unknown): unknown;
}

/** A pg pool whose clients never emit an unhandled 'error' and whose lost connections read as UnavailableError. */
export function createSafePool(config: pg.PoolConfig & { connectionString: string }): SafePool {
  const server = serverOf(config.connectionString);
  const raw = new pg.Pool(config);
  // The first cause of a loss, so that "not queryable" afterwards still says why.
  let lastLoss: unknown = null;
  const remember = (error: unknown) => {
    lastLoss = error;
  };
  // Idle clients: pg-pool forwards their errors here and drops them.
  raw.on('error', remember);
  // Checked-out clients: pg-pool does not listen, so this listener is their only one.
  raw.on('connect', (client) => client.on('error', remember));

  const translate = (error: unknown): unknown => {
    if (error instanceof UnavailableError || !isConnectionLoss(error)) return error;
    const cause = /not queryable/i.test(String((error as Error).message)) && lastLoss ? lastLoss : error;
    const lost = new UnavailableError(`lost the connection to PostgreSQL at ${server}: ${describe(cause)}`);
    lost.cause = error;
    return lost;
  };

  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let safe = wrapped.get(client);
    if (!safe) {
      safe = {
        // biome-ignore lint/suspicious/noExplicitAny: one function stands for pg's two query overloads
        query: ((...args: any[]) => {
          const result = (client.query as (...a: unknown[]) => unknown)(...args);
          // A cursor (streaming) is returned as it is; its reads fail like any query.
          if (result && typeof (result as Promise<unknown>).then === 'function') {
            return (result as Promise<unknown>).catch((error: unknown) => {
              throw translate(error);
            });
          }
          return result;
        }) as PostgresPoolClient['query'],
        release: () => client.release(),
      };
      wrapped.set(client, safe);
    }
    return safe;
  };

  return {
    translate,
    pool: {
      async connect() {
        try {
          const client = await raw.connect();
          lastLoss = null;
          return wrap(client);
        } catch (error) {
          throw translate(error);
        }
      },
      end: () => raw.end(),
      // Kysely 0.29 reads the pool's options (its connection settings) for query cancellation.
      options: raw.options,
    },
  };
}

/**
 * Runs `fn` with a single pg client (administration: create and drop databases), closed
 * afterwards. Like the pool's clients it listens for 'error', and a lost connection fails
 * `fn` with the same clear UnavailableError.
 */
export async function withPgClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const server = serverOf(url);
  const client = new pg.Client({ connectionString: url });
  let lost: unknown = null;
  client.on('error', (error) => {
    lost = error;
  });
  const clear = (error: unknown) => {
    const cause = lost ?? error;
    if (!isConnectionLoss(cause)) return error;
    const e = new UnavailableError(`lost the connection to PostgreSQL at ${server}: ${describe(cause)}`);
    e.cause = error;
    return e;
  };
  try {
    await client.connect();
  } catch (error) {
    throw clear(error);
  }
  try {
    return await fn(client);
  } catch (error) {
    throw clear(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
