/**
 * An archive of mailing-list mail: the summary says why it made no contacts and how to count
 * it, and `import --include-lists` counts it for that import. A real Apache list archive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { cliTarget } from '../../test/cli-target.js';
import { testDialects } from '../db/test-db.js';
import { corpus } from '../test/corpora.js';

const ARCHIVE = corpus('email-threads-apache-lists/mbox/httpd-users-2020-07.mbox');

describe.each(testDialects())('importing list mail on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ target, cleanup } = await cliTarget(dialect, 'lists'));
    expect((await runCli([...target, 'init', '--name', 'Acme', '--me', 'me@acme.example'])).code).toBe(0);
  });
  afterEach(async () => cleanup());

  it('says that most of it is list mail and how to include it', async () => {
    const result = await runCli([...target, 'import', ARCHIVE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Read 108, imported 108, duplicates 0, automated 108,/);
    expect(result.stdout).toContain('108 of 108 messages are automated or mailing-list mail: stored, but they make no contacts and no metrics.');
    expect(result.stdout).toContain('--include-lists');
  }, 120_000);

  it('counts it with --include-lists, for that import', async () => {
    const summary = json(await runCli([...target, 'import', '--include-lists', ARCHIVE, '--json']));
    expect(summary.automated).toBeLessThan(10);
    expect(summary.contacts_created).toBeGreaterThan(20);
    const human = await runCli([...target, 'import', '--include-lists', ARCHIVE]);
    expect(human.stdout).not.toContain('mailing-list mail');
    expect(json(await runCli([...target, 'settings', 'get', 'include_lists', '--json']))).toBe(false);
  }, 120_000);
});
