import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../db/test-db.js';
import { json, runCli } from '../../test/cli.js';
import { cliTarget } from '../../test/cli-target.js';

interface ListedContact {
  name: string;
  email: string;
  kind: string;
  stage: string;
}

describe.each(testDialects())('the rapport command line on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  const rp = (...args: string[]) => runCli([...target, ...args]);

  beforeAll(async () => {
    ({ target, cleanup } = await cliTarget(dialect, 'cli'));
  });
  afterAll(async () => cleanup());

  it('creates a workspace, adds and lists contacts, logs a call', async () => {
    const ws = json(await rp('init', '--name', 'Acme Repairs', '--me', 'me@acme.example,@acme.example', '--tz', 'Europe/Berlin', '--hours', 'mon-fri 08:30-16:30', '--json'));
    expect(ws).toMatchObject({ slug: 'acme-repairs', settings: { own_addresses: ['me@acme.example'], own_domains: ['acme.example'], time_zone: 'Europe/Berlin' } });
    expect(ws.settings.business_hours).toEqual({ days: [1, 2, 3, 4, 5], start: '08:30', end: '16:30' });

    const added = json(await rp('contacts', 'add', 'Cy@C.example', '--name', 'Cy Cerf', '--kind', 'customer', '--tags', 'vip,roof', '--client-since', '2025-01-10', '--json'));
    expect(added).toMatchObject({ name: 'Cy Cerf', email: 'cy@c.example', tags: ['vip', 'roof'], client_since: '2025-01-09T23:00:00.000Z' });

    const logged = json(await rp('log', 'call', 'cy@c.example', '--at', '2025-03-05T10:00:00Z', '--text', 'Talked about the roof', '--json'));
    expect(logged).toMatchObject({ kind: 'call', direction: 'out', at: '2025-03-05T10:00:00.000Z', contact_ids: [added.id] });

    const listed = json<ListedContact[]>(await rp('contacts', '--json', '--now', '2025-03-06T00:00:00Z'));
    expect(listed.map((c) => [c.name, c.email, c.kind, c.stage])).toEqual([['Cy Cerf', 'cy@c.example', 'customer', 'honeymoon']]);
  });

  it('answers bad input with one line naming the problem, exit 1, and writes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['contact', 'nobody@nowhere.invalid'], /contact not found: nobody@nowhere\.invalid/],
      [['contacts', 'add', 'not-an-address'], /email/],
      [['log', 'call', 'nobody@nowhere.invalid'], /contact not found/],
      [['contacts', 'add', 'cy@c.example'], /already belongs/],
      [['init', '--name', 'Acme Repairs', '--me', 'x@y.example'], /already exists/],
      [['init', '--name', 'Other', '--me', 'x@y.example', '--tz', 'Mars/Olympus'], /time zone/],
    ];
    for (const [args, message] of cases) {
      const result = await rp(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    const listed = json<ListedContact[]>(await rp('contacts', '--json'));
    expect(listed.map((c) => c.email)).toEqual(['cy@c.example']);
  });

  it('exits 2 naming the flag for a time that is no date or lies outside 1900-2200, and writes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['contacts', 'add', 'ok@c.example', '--client-since', '2025-13-45'], /--client-since/],
      [['contacts', 'add', 'ok@c.example', '--client-since', '2250-01-01'], /--client-since.*between 1900-01-01 and 2200-01-01/],
      [['contacts', 'edit', 'cy@c.example', '--client-since', '1899-12-31'], /--client-since.*between 1900-01-01 and 2200-01-01/],
      [['log', 'call', 'cy@c.example', '--at', 'yesterday-ish'], /--at/],
      [['log', 'call', 'cy@c.example', '--at', '+275760-09-13T00:00:00Z'], /--at/],
      [['commitment', 'add', 'cy@c.example', 'call back', '--due', '9999-01-01'], /--due.*between/],
      [['fact', 'add', 'cy@c.example', 'important_date', 'birthday', '--date', '1066-10-14'], /--date.*between/],
      [['--now', 'not-a-date', 'contacts'], /--now/],
      [['--now', '2300-01-01', 'contacts'], /--now.*between/],
    ];
    for (const [args, message] of cases) {
      const result = await rp(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    const listed = json<(ListedContact & { client_since: string })[]>(await rp('contacts', '--json'));
    expect(listed.map((c) => [c.email, c.client_since])).toEqual([['cy@c.example', '2025-01-09T23:00:00.000Z']]);
  }, 120_000);

  it('exits 2 on usage errors', async () => {
    for (const args of [['--no-such-flag', 'contacts'], ['contacts', '--sort', 'shoe-size'], ['log', 'telegram', 'cy@c.example'], ['frobnicate']]) {
      const result = await rp(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
    }
  });
});

describe('the command line without a database', () => {
  it('says which database it cannot reach, exit 1', async () => {
    const result = await runCli(['--db', 'postgres://rapport:secret@127.0.0.1:1/rapport', 'contacts']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot connect to PostgreSQL at postgres:\/\/rapport:\*\*\*@127\.0\.0\.1:1\/rapport: connection refused/);
  });

  it('tells a newcomer how to start when there is no workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-cli-'));
    const result = await runCli(['--data', dir, 'contacts']);
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rapport init/);
  });
});
