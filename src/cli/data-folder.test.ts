/**
 * A mistyped --data: a command that reads says there is no database there (exit 1) and leaves
 * no empty database behind; init and demo start one. The embedded engine only: --db names a
 * server's database, which rapport never creates.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli.js';

describe('--data naming a folder without a database', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-data-typo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is an error for a command that reads, and nothing is created', async () => {
    const typo = join(dir, 'dtaa');
    for (const args of [['contacts'], ['waiting', '--json'], ['backup', join(dir, 'b.json')], ['migrate', '--status']]) {
      const result = await runCli(['--data', typo, ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`no Rapport database in ${typo}: check --data (or RAPPORT_DATA), or start one with rapport init or rapport demo`);
      expect(result.stdout).toBe('');
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('is where init and demo start one', async () => {
    expect((await runCli(['--data', join(dir, 'a'), 'init', '--name', 'Acme', '--me', 'me@acme.example'])).code).toBe(0);
    expect((await runCli(['--data', join(dir, 'b'), 'demo', '--contacts', '3'])).code).toBe(0);
    expect(readdirSync(join(dir, 'a'))).toContain('rapport.db');
    expect((await runCli(['--data', join(dir, 'a'), 'contacts'])).code).toBe(0);
  });
});
