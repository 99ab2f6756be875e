/** `contacts` shows stored health: it says from when, and how to compute it at the instant asked for. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli.js';
import { cliTarget } from '../../test/cli-target.js';
import { testDialects } from '../db/test-db.js';

describe.each(testDialects())('contacts --now on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ target, cleanup } = await cliTarget(dialect, 'contacts-now'));
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
      'Health above is from the last rescore, 2025-03-01 12:00 UTC, not as of 2025-07-31 18:00 UTC: `rapport --now 2025-07-31T18:00:00.000Z rescore` recomputes it (`rapport health CONTACT` shows one contact at that instant).\n',
    );
    expect((await at('2025-07-31T18:00:00.000Z', 'rescore')).code).toBe(0);
    expect((await at('2025-07-31T18:00:00Z', 'contacts', '--sort', 'health')).stderr).toBe('');
    // On the clock, a rescore of long ago is named too, in the workspace's zone.
    expect((await at('2025-07-31T18:00:00Z', 'settings', 'set', 'time_zone', 'Europe/Berlin')).code).toBe(0);
    const onClock = await runCli([...target, 'contacts']);
    expect(onClock.stderr).toMatch(/^Health above is from the last rescore, 2025-07-31 20:00 GMT\+2, not as of \d{4}-\d\d-\d\d \d\d:\d\d GMT\+[12]: `rapport rescore` recomputes it/);
  }, 180_000);
});
