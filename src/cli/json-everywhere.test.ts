/**
 * `--json` promises one JSON document: every command of the program (found by walking it, so
 * a new command is covered without a change here) is run with --json on a demo workspace and
 * prints exactly one JSON document on stdout, or nothing there and a non-zero exit (a usage
 * error is exit 2). Runs in the test's process for speed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { buildProgram, main } from './main.js';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Every command that does something: those with an action of their own, leaves or not. */
function commands(command: Command, path: string[] = []): [string[], Command][] {
  const own = (command as unknown as { _actionHandler: unknown })._actionHandler ? [[path, command] as [string[], Command]] : [];
  return [...own, ...command.commands.flatMap((sub) => commands(sub, [...path, sub.name()]))];
}

// Commands that hold the terminal or the process (a server, the job worker, a copy of the whole
// database into another one): they are tested where they are (cli-polish, ops and roles tests).
const NOT_HERE = new Set(['serve', 'worker', 'migrate-db', 'restore', 'import-workspace']);

describe.each(testDialects())('--json on %s', (dialect) => {
  let target: string[];
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-json-'));
    if (dialect === 'postgres') {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url];
      cleanup = drop;
    } else {
      target = ['--data', join(dir, 'data')];
      cleanup = async () => undefined;
    }
    expect((await run([...target, '--now', '2026-03-02T10:00:00Z', 'demo', '--contacts', '12', '--seed', '7'])).code).toBe(0);
  }, 120_000);
  afterEach(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every command prints one JSON document, or nothing and fails', async () => {
    const contacts = JSON.parse((await run([...target, 'contacts', '--json'])).stdout) as { email?: string; id: string; emails?: string[] }[];
    const contact = contacts[0]!.id;
    writeFileSync(join(dir, 'people.vcf'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Example\r\nEMAIL:ann@example.org\r\nEND:VCARD\r\n');
    writeFileSync(join(dir, 'draft.txt'), 'Hi, thanks for your patience; the quote follows tomorrow.\n');
    // Values for each argument and required option, by name; ids that do not exist are fine:
    // the command fails (exit 1, nothing on stdout), which --json allows.
    const values: Record<string, string> = {
      email: 'new@example.org', contact, kind: 'note', id: 'x_unknown', text: 'Prefers calls', title: 'Pricing', key: 'time_zone', value: 'Europe/Berlin',
      paths: join(dir, 'people.vcf'), format: 'vcard', file: join(dir, 'out.json'), account: 'x_unknown',
      '--name': 'Acme', '--me': 'me@acme.example', '--until': '2026-03-09', '--due': '2026-03-09', '--topics': 'pricing', '--password-env': 'NO_SUCH_VARIABLE',
      '--to': join(dir, 'other'), '--imap': 'imap://127.0.0.1:1', '--smtp': 'smtp://127.0.0.1:1', '--file': join(dir, 'draft.txt'),
    };
    const fixed: Record<string, string[]> = {
      'fact add': [contact, 'preference', 'Prefers calls'],
      'export-workspace': [join(dir, 'workspace.json')],
      coach: [contact, '--file', join(dir, 'draft.txt')],
      export: ['vcard', '--out', join(dir, 'out.vcf')],
      init: ['--slug', 'second', '--name', 'Acme', '--me', 'me@acme.example'],
      demo: ['--slug', 'third', '--contacts', '3'],
    };
    process.env.RAPPORT_JSON_TEST_PASSWORD = 'a long enough password';
    values['--password-env'] = 'RAPPORT_JSON_TEST_PASSWORD';
    // Commands that add a workspace go last, so that --workspace stays unambiguous… and needed.
    const all = commands(buildProgram()).sort(([a], [b]) => Number(['init', 'demo'].includes(a[0]!)) - Number(['init', 'demo'].includes(b[0]!)));
    const succeeded: string[] = [];
    for (const [path, command] of all) {
      const name = path.join(' ');
      if (path.length === 0 || NOT_HERE.has(name)) continue;
      const args = fixed[name] ?? command.registeredArguments.filter((a) => a.required).map((a) => values[a.name()]!);
      if (!fixed[name]) for (const option of command.options.filter((o) => o.mandatory)) args.push(option.long!, values[option.long!]!);
      const result = await run([...target, '--workspace', 'demo', '--now', '2026-03-02T10:00:00Z', ...path, ...args, '--json']);
      const where = `rapport ${name} ${args.join(' ')} --json (exit ${result.code}: ${result.stderr.trim()})`;
      if (result.code === 0) {
        expect(() => JSON.parse(result.stdout), where).not.toThrow();
        succeeded.push(name);
      } else expect(result.stdout, where).toBe('');
    }
    delete process.env.RAPPORT_JSON_TEST_PASSWORD;
    const reads = ['contacts', 'today', 'waiting', 'export', 'fact list', 'fact add', 'commitment list', 'health', 'contact', 'digest', 'coach', 'settings', 'settings get', 'settings set', 'token list'];
    expect(succeeded).toEqual(expect.arrayContaining([...reads, 'init', 'demo', 'import', 'backup', 'export-workspace']));
  }, 120_000);
});
