/**
 * A lost PostgreSQL connection is a clear error, never an unhandled 'error' event: the server
 * ends the backend of a connection Kysely holds in a transaction (as a restart, an
 * administrator or the OOM killer would), and the next query says what happened while the
 * process lives on and the next transaction gets a fresh connection.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from './database.js';
import { isConnectionLoss, serverOf } from './postgres-pool.js';
import { createPostgresDatabaseUrl, testDialects } from './test-db.js';
import { openDatabase } from './database.js';

describe.skipIf(!testDialects().includes('postgres'))('lost PostgreSQL connections', () => {
  let db: Db;
  let target: { url: string; drop: () => Promise<void> };
  beforeEach(async () => {
    target = await createPostgresDatabaseUrl();
    db = await openDatabase({ url: target.url, migrate: false });
  });
  afterEach(async () => {
    await db.close();
    await target.drop();
  });

  async function terminate(pid: number) {
    const admin = new pg.Client({ connectionString: target.url });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  }

  /** Resolves once the server no longer lists the backend (its socket is closed). */
  async function waitUntilGone(url: string, pid: number) {
    const admin = new pg.Client({ connectionString: url });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      for (;;) {
        const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid]);
        if (rows[0].n === 0) return;
      }
    } finally {
      await admin.end();
    }
  }

  it('a connection ended while a transaction holds it fails with "lost the connection to PostgreSQL at host:port", and the next one works', async () => {
    const failure = await db.kysely
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await terminate(rows[0]!.pid);
        // Checked out and idle, the client hears of the loss as an 'error' event (no query to
        // fail), which without a listener would end the process; wait until the socket is gone.
        await waitUntilGone(target.url, rows[0]!.pid);
        await sql`select 1`.execute(trx);
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ code: 'unavailable', message: expect.stringMatching(new RegExp(`^lost the connection to PostgreSQL at ${serverOf(target.url)}: .*terminat`, 'i')) });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.kysely);
    expect(rows).toEqual([{ one: 1 }]);
  });
});

describe('isConnectionLoss', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
    [{ code: '08006' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Client has encountered a connection error and is not queryable'), true],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }, false],
    [new Error('syntax error at or near "selec"'), false],
  ])('isConnectionLoss(%o) is %s', (error, expected) => {
    expect(isConnectionLoss(error)).toBe(expected);
  });
});
