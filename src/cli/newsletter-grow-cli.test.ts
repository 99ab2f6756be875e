/** `newsletter funnel` and `newsletter drip …` as a real process on both engines. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { createPostgresDatabaseUrl, testDialects } from '../db/test-db.js';
import { createList, subscribe } from '../newsletter/subscribers.service.js';
import { resolveWorkspace } from '../workspaces/workspaces.service.js';
import { json, runCli } from '../../test/cli.js';

describe.each(testDialects())('newsletter funnel and drips on the command line on %s', (dialect) => {
  let target: string[];
  let dir: string;
  let cleanup: () => Promise<void>;
  const rp = (...args: string[]) => runCli([...target, '--now', '2025-03-01T10:00:00Z', ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-nl-grow-'));
    let open: () => ReturnType<typeof openDatabase>;
    if (dialect === 'postgres') {
      const { url, drop } = await createPostgresDatabaseUrl();
      target = ['--db', url];
      open = () => openDatabase({ url });
      cleanup = async () => {
        await drop();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      target = ['--data', join(dir, 'data')];
      open = () => openDatabase({ dataDir: join(dir, 'data') });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    expect((await rp('init', '--name', 'Acme', '--me', 'me@acme.example')).code).toBe(0);
    const db = await open();
    try {
      const ws = await resolveWorkspace(db.kysely);
      const t = Date.parse('2025-02-10T10:00:00Z');
      await createList(db.kysely, ws, { name: 'Weekly', from_address: 'news@acme.example' }, t);
      await subscribe(db.kysely, ws, 'Weekly', { email: 'ada@client.example', confirmed: true }, 'cli', t);
      await subscribe(db.kysely, ws, 'Weekly', { email: 'bob@client.example' }, 'form', t);
    } finally {
      await db.close();
    }
  });
  afterAll(async () => cleanup());

  it('prints the funnel per list and month, as JSON too, and exits 1 naming an unknown list', async () => {
    const human = await rp('newsletter', 'funnel');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Weekly\s+1\s+0\s+0\s+0/);
    expect(human.stdout).toMatch(/2025-02\s+1/);
    const funnel = json(await rp('newsletter', 'funnel', '--list', 'Weekly', '--json'));
    expect(funnel).toMatchObject({ total: { subscribers: 1, engaged: 0, replied: 0, clients: 0 }, months: [{ month: '2025-02', subscribers: 1 }] });
    const missing = await rp('newsletter', 'funnel', '--list', 'Nope');
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'rapport: list not found: Nope']);
  });

  it('adds a drip and its steps in order, lists them, and refuses a bad step', async () => {
    const created = json(await rp('newsletter', 'drip', 'add', 'Weekly', 'Welcome', '--json'));
    expect(created).toMatchObject({ name: 'Welcome', list: 'Weekly', steps: [] });
    const file = join(dir, 'step.md');
    writeFileSync(file, '---\nsubject: Welcome aboard\n---\nHello {{first_name|there}}!\n');
    const added = await rp('newsletter', 'drip', 'step', 'add', 'Welcome', '--after', '0', '--file', file);
    expect([added.code, added.stdout.trim()]).toEqual([0, 'Added step 1 to "Welcome": day 0, "Welcome aboard".']);
    writeFileSync(file, '---\nsubject: Our best articles\n---\nStart here.\n');
    expect((await rp('newsletter', 'drip', 'step', 'add', created.id, '--after', '3', '--file', file)).code).toBe(0);
    const early = await rp('newsletter', 'drip', 'step', 'add', 'Welcome', '--after', '1', '--file', file);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('--after 1 comes before the previous step (day 3)');
    const unreadable = await rp('newsletter', 'drip', 'step', 'add', 'Welcome', '--after', '5', '--file', join(dir, 'missing.md'));
    expect([unreadable.code, unreadable.stderr.trim()]).toEqual([1, `rapport: --file: cannot read ${join(dir, 'missing.md')}: ENOENT`]);
    const ls = await rp('newsletter', 'drip', 'ls');
    expect(ls.stdout).toContain('Welcome (list Weekly');
    expect(ls.stdout).toContain('  1. day 0: Welcome aboard\n  2. day 3: Our best articles');
    expect(json(await rp('newsletter', 'drip', 'ls', '--json'))[0].steps).toHaveLength(2);
    // Eight processes on a busy machine: more than the default 30 s.
  }, 120_000);
});
