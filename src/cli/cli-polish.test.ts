/**
 * The command line's manners: a version, usage errors that point to the mistyped command's
 * help, --json that is one JSON document or a usage error, and a taken port that says what to do.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli.js';
import { freePort } from '../../test/embedded-postgres.js';
import type { Command } from 'commander';
import { buildProgram } from './main.js';

let data: string;
beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'rapport-polish-'));
  expect((await runCli(['--data', data, 'init', '--name', 'Acme', '--me', 'me@acme.example'])).code).toBe(0);
});
afterAll(() => rmSync(data, { recursive: true, force: true }));

function leaves(command: Command, path = 'rapport'): [string, Command][] {
  return command.commands.length === 0 ? [[path, command]] : command.commands.flatMap((sub) => leaves(sub, `${path} ${sub.name()}`));
}

describe('rapport', () => {
  it('every command has a help text and marks its required options', () => {
    for (const [path, command] of leaves(buildProgram())) {
      expect(command.description(), path).not.toBe('');
      for (const option of command.options.filter((o) => o.mandatory)) expect(option.description, `${path} ${option.flags}`).toMatch(/required/);
    }
  });

  it('--version prints the version of the package', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
    const result = await runCli(['--version']);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.code).toBe(0);
  });

  it("a usage error points to the mistyped command's own help", async () => {
    const result = await runCli(['--data', data, 'contacts', 'add']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'email'");
    expect(result.stderr).toContain('(run `rapport contacts add --help` for usage)');
  });

  it('export csv --json is a usage error, since the export itself is not JSON; with --out it prints a JSON summary', async () => {
    const bare = await runCli(['--data', data, 'export', 'csv', '--json']);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('export csv --json needs --out FILE');
    expect(bare.code).toBe(2);
    const out = join(data, 'contacts.csv');
    const summary = await runCli(['--data', data, 'export', 'csv', '--out', out, '--json']);
    expect(JSON.parse(summary.stdout)).toEqual({ format: 'csv', file: out, contacts: 0 });
  });

  it('serve on a taken port says so and how to choose another', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const result = await runCli(['--data', data, 'serve', '--host', '127.0.0.1', '--port', String(port)]);
      expect(result.stderr).toBe(`rapport: port ${port} on 127.0.0.1 is taken by another program: choose another with --port N\n`);
      expect(result.code).toBe(1);
    } finally {
      taken.close();
    }
  });

  it('serve --json prints one JSON document with its addresses', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../test/rapport-dev.ts'), '--data', data, 'serve', '--port', String(port), '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.endsWith('}\n')) resolve();
      });
      child.on('close', () => resolve());
    });
    child.kill('SIGTERM');
    await closed;
    const url = `http://127.0.0.1:${port}`;
    expect(JSON.parse(stdout), stderr).toEqual({ url, api: `${url}/api/v1`, docs: `${url}/api/docs` });
  });
});
