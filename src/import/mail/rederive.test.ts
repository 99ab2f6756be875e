/**
 * Own addresses changed after an import: stored mail takes the direction and counterparts it
 * would have had, health follows, on both engines, through the service and `rapport settings set`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { json, runCli } from '../../../test/cli.js';
import { cliTarget } from '../../../test/cli-target.js';
import type { Db } from '../../db/database.js';
import { createTestDb, testDialects } from '../../db/test-db.js';
import { getContactHealth } from '../../health/health.service.js';
import { bearer, setupApi } from '../../app/test-server.js';
import { buildWorkspace } from '../../test/factories.js';
import { importPaths } from '../import.service.js';
import { changeOwnAddresses } from './rederive.service.js';

const NOW = Date.parse('2025-03-06T12:00:00Z');

// me@home.example is the user's second address, unknown to the workspace at first.
const MBOX = `From x Mon Mar 03 09:00:00 2025
From: Ada Lovelace <ada@client.example>
To: me@acme.example
Subject: Figures
Date: Mon, 03 Mar 2025 09:00:00 +0000
Message-ID: <r1@client.example>

Could you send the updated figures?

From x Mon Mar 03 15:00:00 2025
From: Me at home <me@home.example>
To: Ada Lovelace <ada@client.example>, me@acme.example
Subject: Re: Figures
Date: Mon, 03 Mar 2025 15:00:00 +0000
Message-ID: <r2@home.example>
In-Reply-To: <r1@client.example>
References: <r1@client.example>

Here they are, thank you for waiting! How was the trip to Lisbon?

From x Tue Mar 04 10:00:00 2025
From: Me at home <me@home.example>
To: me@acme.example
Subject: Note to self
Date: Tue, 04 Mar 2025 10:00:00 +0000
Message-ID: <r3@home.example>

Remember the invoice.

From x Wed Mar 05 11:00:00 2025
From: Me <me@acme.example>
To: Bob Babbage <bob@other.example>
Cc: me@home.example
Subject: Question
Date: Wed, 05 Mar 2025 11:00:00 +0000
Message-ID: <r4@acme.example>

Is the Friday slot still open?

`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-rederive-'));
  writeFileSync(join(dir, 'mail.mbox'), MBOX);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function directions(db: Db): Promise<Record<string, string>> {
  const rows = await db.kysely.selectFrom('interactions').select(['message_id', 'direction']).orderBy('message_id').execute();
  return Object.fromEntries(rows.map((r) => [r.message_id, r.direction]));
}

async function participants(db: Db, messageId: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('interactions as i')
    .innerJoin('interaction_contacts as p', 'p.interaction_id', 'i.id')
    .innerJoin('contact_emails as e', 'e.contact_id', 'p.contact_id')
    .select(['e.email', 'p.role'])
    .where('i.message_id', '=', messageId)
    .execute();
  return rows.map((r) => `${r.role} ${r.email}`).sort();
}

describe.each(testDialects())('changing own addresses on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => db.close());

  it('derives direction and counterparts of stored mail again, with progress, and rescores', async () => {
    const ws = await buildWorkspace(db, { me: ['me@acme.example'] });
    await importPaths(db, ws, [join(dir, 'mail.mbox')], NOW);
    expect(await directions(db)).toEqual({ 'r1@client.example': 'in', 'r2@home.example': 'in', 'r3@home.example': 'in', 'r4@acme.example': 'out' });
    expect(await participants(db, 'r4@acme.example')).toEqual(['cc me@home.example', 'to bob@other.example']);
    const waitingBefore = await getContactHealth(db.kysely, ws, 'ada@client.example', NOW);
    expect(waitingBefore.metrics.open_waits).toBe(1);

    const progress: string[] = [];
    const { workspace, result } = await changeOwnAddresses(db, ws, { own_addresses: ['me@acme.example', 'me@home.example'] }, NOW, (phase, done, total) =>
      progress.push(`${phase} ${done}/${total}`),
    );
    expect(workspace.settings.own_addresses).toEqual(['me@acme.example', 'me@home.example']);
    expect(await directions(db)).toEqual({ 'r1@client.example': 'in', 'r2@home.example': 'out', 'r3@home.example': 'internal', 'r4@acme.example': 'out' });
    expect(await participants(db, 'r2@home.example')).toEqual(['to ada@client.example']);
    expect(await participants(db, 'r3@home.example')).toEqual([]);
    expect(await participants(db, 'r4@acme.example')).toEqual(['to bob@other.example']);
    expect(result).toMatchObject({ messages: 4, changed: 3, contacts_created: 0, messages_without_addresses: 0, rescored: 3 });
    expect(result.own_contacts.map((c) => c.email)).toEqual(['me@home.example']);
    expect(progress).toContain('mail 4/4');
    expect(progress).toContain('health 3/3');

    // r2 is now the reply Ada waited for, tagged like any outbound mail (a question about her trip: interest); stored health says so.
    const ada = await getContactHealth(db.kysely, workspace, 'ada@client.example', NOW);
    expect(ada.metrics.open_waits).toBe(0);
    expect(ada.metrics.replies).toBe(1);
    const tags = await db.kysely
      .selectFrom('interaction_behaviors as b')
      .innerJoin('interactions as i', 'i.id', 'b.interaction_id')
      .select('b.behavior')
      .where('i.message_id', '=', 'r2@home.example')
      .execute();
    expect(tags.map((t) => t.behavior)).toContain('interest');
    const stored = await db.kysely.selectFrom('contact_health as h').innerJoin('contact_emails as e', 'e.contact_id', 'h.contact_id').select(['h.metrics']).where('e.email', '=', 'ada@client.example').executeTakeFirstOrThrow();
    expect(JSON.parse(stored.metrics as string).open_waits).toBe(0);

    // And back: the second address is someone else again.
    const back = await changeOwnAddresses(db, workspace, { own_addresses: ['me@acme.example'] }, NOW);
    expect(await directions(db)).toEqual({ 'r1@client.example': 'in', 'r2@home.example': 'in', 'r3@home.example': 'in', 'r4@acme.example': 'out' });
    expect(await participants(db, 'r4@acme.example')).toEqual(['cc me@home.example', 'to bob@other.example']);
    expect(back.result.changed).toBe(3);
  });
});

describe.each(testDialects())('PATCH /settings with new own addresses on %s', (dialect) => {
  it('derives stored mail again, as the command line does', async () => {
    const f = await setupApi(dialect);
    try {
      await importPaths(f.db, f.a, [join(dir, 'mail.mbox')], NOW);
      expect((await directions(f.db))['r2@home.example']).toBe('in');
      const res = await f.app.inject({
        method: 'PATCH',
        url: '/api/v1/settings',
        headers: bearer(f.tokens.admin),
        payload: { own_addresses: ['me@acme.example', 'me@home.example'] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().own_addresses).toEqual(['me@acme.example', 'me@home.example']);
      expect((await directions(f.db))['r2@home.example']).toBe('out');
    } finally {
      await f.close();
    }
  });
});

describe.each(testDialects())('rapport settings set own_addresses on %s', (dialect) => {
  let target: string[];
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ target, cleanup } = await cliTarget(dialect, 'rederive-cli'));
  });
  afterAll(async () => cleanup());

  it('changes them, says what changed and rejects a domain given as an address', async () => {
    const rp = (...args: string[]) => runCli([...target, '--now', '2025-03-06T12:00:00Z', ...args]);
    expect((await rp('init', '--name', 'Acme', '--me', 'me@acme.example')).code).toBe(0);
    expect((await rp('import', join(dir, 'mail.mbox'))).code).toBe(0);
    const human = await rp('settings', 'set', 'own_addresses', 'me@acme.example, me@home.example');
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/^Set own_addresses\. Looked at 4 emails again: 3 changed direction or counterparts, 0 new contacts; rescored 3 contacts\./);
    expect(human.stdout).toContain('These contacts have an address that is your own now: Me at home <me@home.example>.');
    expect(human.code).toBe(0);
    const shown = json(await rp('settings', 'get', 'own_addresses', '--json'));
    expect(shown).toEqual(['me@acme.example', 'me@home.example']);
    const waits = json(await rp('waiting', '--json'));
    expect(waits.map((w: { contact: { email: string } }) => w.contact.email)).not.toContain('ada@client.example');

    const domains = json(await rp('settings', 'set', 'own_domains', '@acme.example', '--json'));
    expect(domains).toMatchObject({ settings: { own_domains: ['acme.example'] }, messages: 4, changed: 0 });

    const wrong = await rp('settings', 'set', 'own_addresses', '@home.example');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('own_addresses: "@home.example" is a domain; set it with own_domains');
  }, 180_000);
});
