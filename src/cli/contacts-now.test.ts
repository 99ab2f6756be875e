/** `contacts` with --now: its health is stored, so it says from when and how to compute it then. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';

describe.each(testDialects())('contacts --now on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (dialect === 'postgres') {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url];
      cleanup = drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'rapport-contacts-now-'));
      target = ['--data', dir];
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => cleanup());

  it('says the health shown is from the last rescore until one is run at that instant', async () => {
    const at = (now: string, ...args: string[]) => runCli([...target, '--now', now, ...args]);
    expect((await at('2025-03-01T12:00:00Z', 'init', '--name', 'Acme', '--me', 'me@acme.example')).code).toBe(0);
    expect((await at('2025-03-01T12:00:00Z', 'contacts', 'add', 'ada@client.example', '--name', 'Ada')).code).toBe(0);
    expect((await at('2025-03-01T12:00:00Z', 'rescore')).code).toBe(0);
    const later = await at('2025-07-31T18:00:00Z', 'contacts', '--sort', 'health');
    expect(later.stdout).toContain('Ada');
    expect(later.stderr).toBe(
      'Health above is from the last rescore, 2025-03-01T12:00:00.000Z, not at 2025-07-31T18:00:00.000Z: `rapport --now 2025-07-31T18:00:00.000Z rescore` recomputes it at that instant (`rapport health CONTACT` shows one contact).\n',
    );
    expect((await at('2025-07-31T18:00:00.000Z', 'rescore')).code).toBe(0);
    expect((await at('2025-07-31T18:00:00Z', 'contacts', '--sort', 'health')).stderr).toBe('');
  }, 180_000);
});
