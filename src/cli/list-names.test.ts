/** `fact list` and `commitment list` name the contact a person reads, not its id. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';

describe.each(testDialects())('lists that name contacts on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    if (dialect === 'postgres') {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url];
      cleanup = drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'rapport-names-'));
      target = ['--data', dir];
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    expect((await runCli([...target, 'init', '--name', 'Acme', '--me', 'me@acme.example'])).code).toBe(0);
  });
  afterEach(async () => cleanup());

  it('fact list and commitment list show names', async () => {
    const ann = json(await runCli([...target, 'contacts', 'add', 'ann@client.example', '--name', 'Ann Lovelace', '--json'])) as { id: string };
    expect((await runCli([...target, 'fact', 'add', 'ann@client.example', 'preference', 'Prefers calls'])).code).toBe(0);
    expect((await runCli([...target, 'commitment', 'add', 'ann@client.example', 'Send the quote', '--due', '2030-01-10'])).code).toBe(0);
    for (const args of [['fact', 'list'], ['commitment', 'list']]) {
      const result = await runCli([...target, ...args]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Ann Lovelace');
      expect(result.stdout).not.toContain(ann.id);
    }
    const facts = json(await runCli([...target, 'fact', 'list', '--json'])) as { contact_id: string }[];
    expect(facts[0]!.contact_id).toBe(ann.id);
  }, 60_000);
});
