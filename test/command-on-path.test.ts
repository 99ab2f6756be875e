/**
 * `rapport` as a command in a checkout, the two ways the README gives: `npx rapport` (at once,
 * without building the checkout again) and `npm link` (the command on the PATH). npm runs with
 * a cache and a global folder of the test's own, so neither the user's nor the machine's change.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const folders: string[] = [];

function folder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** When the build outputs were last written: a rebuild changes them. */
const builtAt = () => [statSync(join(root, 'dist/cli/main.js')).mtimeMs, statSync(join(root, 'web/dist/index.html')).mtimeMs];

describe('rapport as a command', () => {
  it('npx rapport runs the checkout at once, without building it again', async () => {
    const before = builtAt();
    // A fresh npm cache: the first npx of this checkout, which used to install and rebuild it.
    const result = await run('npx', ['rapport', 'contacts', '--help'], { npm_config_cache: folder('rapport-npm-cache-') });
    expect(result.stdout).toMatch(/^Usage: rapport contacts/);
    expect(result.code).toBe(0);
    expect(builtAt()).toEqual(before);
  }, 300_000);

  it('npm link puts rapport on the PATH', async () => {
    const prefix = folder('rapport-npm-prefix-');
    // The checkout is built already; the link itself is what is tested.
    const link = await run('npm', ['link', '--ignore-scripts', '--no-audit', '--no-fund'], {
      npm_config_prefix: prefix,
      npm_config_cache: folder('rapport-npm-cache-'),
    });
    expect(link.code, link.stderr).toBe(0);
    const result = await run('rapport', ['--help'], { PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}` });
    expect(result.stdout).toMatch(/^Usage: rapport /);
    expect(result.code).toBe(0);
  }, 120_000);
});
