/** `fact list` and `commitment list` name the contact a person reads, not its id. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, runCli } from '../../test/cli.js';
import { cliTarget } from '../../test/cli-target.js';
import { testDialects } from '../db/test-db.js';

describe.each(testDialects())('lists that name contacts on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ target, cleanup } = await cliTarget(dialect, 'names'));
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

  it('shows times in the workspace zone, saying which, and an open promise past due as overdue as of --now', async () => {
    expect((await runCli([...target, 'settings', 'set', 'time_zone', 'America/New_York'])).code).toBe(0);
    expect((await runCli([...target, 'contacts', 'add', 'bo@client.example', '--name', 'Bo Berg'])).code).toBe(0);
    expect((await runCli([...target, 'commitment', 'add', 'bo@client.example', 'Send the quote', '--due', '2030-01-10T09:00'])).code).toBe(0);
    const before = await runCli([...target, '--now', '2030-01-09T12:00:00Z', 'commitment', 'list']);
    expect(before.stdout).toMatch(/Bo Berg\s+2030-01-10 09:00 EST\s+open\s+Send the quote/);
    const after = await runCli([...target, '--now', '2030-01-12T14:00:00Z', 'commitment', 'list']);
    expect(after.stdout).toMatch(/Bo Berg\s+2030-01-10 09:00 EST\s+overdue 2 d\s+Send the quote/);
    expect((await runCli([...target, '--now', '2030-01-09T12:00:00Z', 'log', 'call', 'bo@client.example', '--at', '2030-01-09T06:30:00Z'])).code).toBe(0);
    const contact = await runCli([...target, '--now', '2030-01-09T12:00:00Z', 'contact', 'bo@client.example']);
    expect(contact.stdout).toMatch(/2030-01-09 01:30 EST\s+out\s+call/);
  }, 60_000);
});
