import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { importPaths } from './import.service.js';
import { readMbox } from './mail/mbox-reader.js';
import { generateMessages, shuffled, toMbox } from './mail/test-mbox.js';
import { CORPORA } from '../test/corpora.js';

const NOW = Date.parse('2025-03-06T12:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'mail-import-'));
let fileNo = 0;

function write(text: string, ext = 'mbox'): string {
  fileNo += 1;
  const path = join(dir, `f${fileNo}.${ext}`);
  writeFileSync(path, text);
  return path;
}

const CONTRACT = `From x Mon Mar 03 09:00:00 2025
From: Ada Lovelace <ada@client.example>
To: me@acme.example
Subject: Figures
Date: Mon, 03 Mar 2025 09:00:00 +0000
Message-ID: <c1@client.example>

Could you send the updated figures?

From x Mon Mar 03 15:00:00 2025
From: Ada Lovelace <ada@client.example>
To: me@acme.example
Subject: Re: Figures
Date: Mon, 03 Mar 2025 15:00:00 +0000
Message-ID: <c2@client.example>
In-Reply-To: <c1@client.example>
References: <c1@client.example>

Any update on this?

From x Tue Mar 04 10:00:00 2025
From: Me <me@acme.example>
To: Ada Lovelace <ada@client.example>, Colleague <bo@acme.example>
Subject: Re: Figures
Date: Tue, 04 Mar 2025 10:00:00 +0000
Message-ID: <c3@acme.example>
In-Reply-To: <c2@client.example>
References: <c1@client.example> <c2@client.example>

Here they are! How was the trip to Lisbon?

From x Wed Mar 05 11:00:00 2025
From: Bob Babbage <bob@other.example>
To: me@acme.example
Subject: Question
Date: Wed, 05 Mar 2025 11:00:00 +0000
Message-ID: <c4@other.example>

Is the Friday slot still open?

`;

function eml(headers: Record<string, string>, body = 'Hello there, how are you?'): string {
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n\n${body}\n`;
}

/** Threads as a set of sets of identities: comparable across databases whatever the ids. */
async function partition(db: Db, ws: Workspace): Promise<string[]> {
  const rows = await db.kysely.selectFrom('interactions').select(['identity', 'thread_id']).where('workspace_id', '=', ws.id).execute();
  const groups = new Map<string, string[]>();
  for (const r of rows) groups.set(r.thread_id ?? `none:${r.identity}`, [...(groups.get(r.thread_id ?? `none:${r.identity}`) ?? []), r.identity]);
  return [...groups.values()].map((g) => g.sort().join(' ')).sort();
}

describe.each(testDialects())('mail import on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    ws = await buildWorkspace(db);
  });
  afterEach(async () => {
    await db.close();
  });

  it('imports an mbox: summary, direction, counterparts, contacts and threads; a second run imports 0', async () => {
    const path = write(CONTRACT);
    const first = await importPaths(db, ws, [path], NOW, { workers: 0 });
    expect(first).toMatchObject({ read: 4, imported: 4, duplicates: 0, automated: 0, malformed: 0, contacts_created: 2, threads: 2, errors: [] });
    const rows = await db.kysely.selectFrom('interactions').selectAll().where('workspace_id', '=', ws.id).orderBy('id').execute();
    expect(rows.map((r) => r.direction)).toEqual(['in', 'in', 'out', 'in']);
    expect(rows.map((r) => r.id)).toEqual([...rows].sort((a, b) => a.occurred_at - b.occurred_at).map((r) => r.id));
    expect(new Set(rows.slice(0, 3).map((r) => r.thread_id)).size).toBe(1);
    expect(rows[3]!.thread_id).not.toBe(rows[0]!.thread_id);
    expect(rows[2]).toMatchObject({ message_id: 'c3@acme.example', in_reply_to: 'c2@client.example', subject_key: 'figures', source: `file:${path}` });
    const tags = await db.kysely.selectFrom('interaction_behaviors').select(['behavior', 'origin']).where('interaction_id', '=', rows[2]!.id).execute();
    expect(tags.map((t) => t.behavior)).toContain('interest');
    // The own colleague on Cc is no counterpart; Ada is, as the recipient of the reply.
    const people = await db.kysely
      .selectFrom('interaction_contacts as p')
      .innerJoin('contact_emails as e', (j) => j.onRef('e.contact_id', '=', 'p.contact_id').onRef('e.workspace_id', '=', 'p.workspace_id'))
      .select(['p.interaction_id', 'p.role', 'e.email'])
      .where('p.workspace_id', '=', ws.id)
      .execute();
    expect(people.filter((p) => p.interaction_id === rows[2]!.id)).toEqual([{ interaction_id: rows[2]!.id, role: 'to', email: 'ada@client.example' }]);
    const contacts = await db.kysely.selectFrom('contacts').select(['name', 'first_seen_at']).where('workspace_id', '=', ws.id).orderBy('name').execute();
    expect(contacts).toEqual([
      { name: 'Ada Lovelace', first_seen_at: Date.parse('2025-03-03T09:00:00Z') },
      { name: 'Bob Babbage', first_seen_at: Date.parse('2025-03-05T11:00:00Z') },
    ]);
    const threads = await db.kysely.selectFrom('threads').select(['subject', 'message_count']).where('workspace_id', '=', ws.id).orderBy('first_at').execute();
    expect(threads).toEqual([
      { subject: 'Figures', message_count: 3 },
      { subject: 'Question', message_count: 1 },
    ]);

    const second = await importPaths(db, ws, [path], NOW, { workers: 0 });
    expect(second).toMatchObject({ read: 4, imported: 0, duplicates: 4, contacts_created: 0 });
    expect(await db.kysely.selectFrom('interactions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: 4 });
    // The import lets SQLite's log grow while it runs, and gives back the usual checkpoints after.
    if (db.sqlite) expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('imports only the new messages of a mailbox whose second half was imported before', async () => {
    const messages = [...generateMessages(3000, 5)];
    expect(await importPaths(db, ws, [write(toMbox(messages.slice(1500)))], NOW, { workers: 0 })).toMatchObject({ read: 1500, imported: 1500 });
    const whole = await importPaths(db, ws, [write(toMbox(messages))], NOW, { workers: 0 });
    expect(whole).toMatchObject({ read: 3000, imported: 1500, duplicates: 1500, malformed: 0 });
    expect(await db.kysely.selectFrom('interactions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: 3000 });
  });

  it('never makes contacts of automated senders; records them as automated', async () => {
    const path = write(
      [
        eml({ From: 'Shop <noreply@shop.example>', To: 'me@acme.example', Subject: 'Your order', Date: 'Mon, 03 Mar 2025 09:00:00 +0000', 'Message-ID': '<a1@shop.example>' }),
        eml({ From: 'list@lists.example', To: 'me@acme.example', Subject: 'Digest', Date: 'Mon, 03 Mar 2025 10:00:00 +0000', 'List-Id': '<dev.lists.example>' }),
      ]
        .map((m) => `From x Mon Mar 03 09:00:00 2025\n${m}\n`)
        .join(''),
    );
    const summary = await importPaths(db, ws, [path], NOW, { workers: 0 });
    expect(summary).toMatchObject({ imported: 2, automated: 2, contacts_created: 0 });
  });

  it('dates a message without Date from its Received header, else the mbox envelope, and marks it', async () => {
    const path = write(
      `From x Tue Mar 04 08:30:00 2025\n${eml({ From: 'ada@client.example', To: 'me@acme.example', Subject: 'No date' })}\n` +
        `From x Tue Mar 04 08:30:00 2025\n${eml({ Received: 'from mx by mx2; Wed, 05 Mar 2025 07:00:00 +0000', From: 'bo@client.example', To: 'me@acme.example', Subject: 'No date either' })}\n`,
    );
    await importPaths(db, ws, [path], NOW, { workers: 0 });
    const rows = await db.kysely.selectFrom('interactions').select(['occurred_at', 'date_inferred', 'identity']).orderBy('id').execute();
    expect(rows.map((r) => [r.occurred_at, r.date_inferred])).toEqual([
      [Date.parse('2025-03-04T08:30:00Z'), 1],
      [Date.parse('2025-03-05T07:00:00Z'), 1],
    ]);
    expect(rows[0]!.identity).toMatch(/^sha256:/);
  });

  it('lists malformed messages with where and why, and imports the rest', async () => {
    const path = write(`From x Mon Mar 03 09:00:00 2025\nSubject: nobody sent this\n\nbody\n\nFrom x Mon Mar 03 09:00:00 2025\n${eml({ From: 'ada@client.example', Subject: 'ok', Date: 'Mon, 03 Mar 2025 09:00:00 +0000' })}`);
    const summary = await importPaths(db, ws, [path], NOW, { workers: 0 });
    expect(summary).toMatchObject({ read: 2, imported: 1, malformed: 1 });
    expect(summary.errors).toEqual([{ where: `${path}: message 1 (byte 0)`, reason: expect.stringContaining('no sender') }]);
  });

  it('fails clearly on a missing file, before importing anything', async () => {
    const good = write(CONTRACT);
    await expect(importPaths(db, ws, [good, join(dir, 'missing.mbox')], NOW)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringContaining('missing.mbox'),
    });
    expect(await db.kysely.selectFrom('interactions').select('id').execute()).toEqual([]);
  });

  it('threads do not depend on arrival order: a parent arriving later removes a subject link', async () => {
    // R0 ← A (resolves) ; C references P0 (absent at first), same subject and counterpart as A.
    const R0 = eml({ From: 'carl@client.example', To: 'me@acme.example', Subject: 'Kickoff', Date: 'Mon, 03 Mar 2025 09:00:00 +0000', 'Message-ID': '<r0@x>' });
    const A = eml({ From: 'ada@client.example', To: 'me@acme.example', Subject: 'Plan', Date: 'Mon, 03 Mar 2025 10:00:00 +0000', 'Message-ID': '<a@x>', 'In-Reply-To': '<r0@x>' });
    const C = eml({ From: 'ada@client.example', To: 'me@acme.example', Subject: 'Re: Plan', Date: 'Tue, 04 Mar 2025 10:00:00 +0000', 'Message-ID': '<c@x>', 'In-Reply-To': '<p0@x>' });
    const P0 = eml({ From: 'bob@client.example', To: 'me@acme.example', Subject: 'Other', Date: 'Mon, 03 Mar 2025 08:00:00 +0000', 'Message-ID': '<p0@x>' });
    const results: string[][] = [];
    for (const order of [[R0, A, C, P0], [P0, C, A, R0], [C, A, R0, P0]]) {
      const fresh = await createTestDb(dialect);
      try {
        const w = await buildWorkspace(fresh);
        for (const m of order) await importPaths(fresh, w, [write(m, 'eml')], NOW, { workers: 0 });
        results.push(await partition(fresh, w));
      } finally {
        await fresh.close();
      }
    }
    expect(results[0]).toEqual(['<a@x> <r0@x>', '<c@x> <p0@x>']);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('orphan replies join their thread by subject, counterpart and date (30 days)', async () => {
    const msgs = [
      eml({ From: 'ada@client.example', To: 'me@acme.example', Subject: 'Budget', Date: 'Mon, 03 Mar 2025 09:00:00 +0000', 'Message-ID': '<b1@x>' }),
      eml({ From: 'ada@client.example', To: 'me@acme.example', Subject: 'RE: [team] Budget', Date: 'Mon, 10 Mar 2025 09:00:00 +0000', 'Message-ID': '<b2@x>', 'In-Reply-To': '<gone@x>' }),
      eml({ From: 'ada@client.example', To: 'me@acme.example', Subject: 'Re: Budget', Date: 'Mon, 02 Jun 2025 09:00:00 +0000', 'Message-ID': '<b3@x>' }),
      eml({ From: 'cy@client.example', To: 'me@acme.example', Subject: 'Re: Budget', Date: 'Mon, 03 Mar 2025 09:30:00 +0000', 'Message-ID': '<b4@x>' }),
    ];
    const path = write(msgs.map((m) => `From x Mon Mar 03 09:00:00 2025\n${m}\n`).join(''));
    await importPaths(db, ws, [path], NOW, { workers: 0 });
    expect(await partition(db, ws)).toEqual(['<b1@x> <b2@x>', '<b3@x>', '<b4@x>']);
  });

  it('gives the same threads for a corpus mbox shuffled into other orders (in several batches, with workers)', async () => {
    const messages: Buffer[] = [];
    for await (const m of readMbox(join(CORPORA, 'email-threads-apache-lists/mbox/maven-dev-2017-11-mboxvm.mbox'))) messages.push(m.raw!);
    const asMbox = (list: Buffer[]) => list.map((m) => `From x Mon Mar 03 09:00:00 2025\n${m.toString('latin1').replace(/^(>*From )/gm, '>$1')}\n`).join('');
    const include = { ...ws.settings, include_lists: true };
    const partitions: string[][] = [];
    for (const seed of [0, 1, 2]) {
      const fresh = await createTestDb(dialect);
      try {
        const w = await buildWorkspace(fresh);
        w.settings = include;
        const path = write(asMbox(seed === 0 ? messages : shuffled(messages, seed)));
        writeFileSync(path, Buffer.from(readFileSync(path, 'utf8'), 'latin1'));
        const summary = await importPaths(fresh, w, [path], NOW, { workers: seed === 1 ? 2 : 0, batchSize: 100 });
        expect(summary).toMatchObject({ read: 317, imported: 317, malformed: 0 });
        partitions.push(await partition(fresh, w));
      } finally {
        await fresh.close();
      }
    }
    expect(partitions[0]!.length).toBeGreaterThan(50);
    expect(partitions[0]!.length).toBeLessThan(150);
    expect(partitions[1]).toEqual(partitions[0]);
    expect(partitions[2]).toEqual(partitions[0]);
  }, 120_000);

  it('imports a Maildir tree and a folder of .eml files', async () => {
    const root = join(dir, `maildir${fileNo++}`);
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, sub), { recursive: true });
    writeFileSync(join(root, 'cur', '1:2,S'), eml({ From: 'ada@client.example', To: 'me@acme.example', Subject: 'One', Date: 'Mon, 03 Mar 2025 09:00:00 +0000', 'Message-ID': '<m1@x>' }));
    writeFileSync(join(root, 'new', '2'), eml({ From: 'me@acme.example', To: 'ada@client.example', Subject: 'Re: One', Date: 'Mon, 03 Mar 2025 10:00:00 +0000', 'Message-ID': '<m2@x>', 'In-Reply-To': '<m1@x>' }));
    writeFileSync(join(root, 'tmp', '3'), 'half-delivered');
    const summary = await importPaths(db, ws, [root], NOW, { workers: 0 });
    expect(summary).toMatchObject({ read: 2, imported: 2, threads: 1, contacts_created: 1 });
  });
});
