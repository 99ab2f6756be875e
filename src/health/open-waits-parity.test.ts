/**
 * Waiting on you walks only the threads whose latest mail is an unanswered inbound email, and
 * looks up names, subjects and competitors for the page it returns; before, it walked every
 * thread with inbound mail in the window and presented every wait. Both must give the same
 * waits on generated data and on the walk's edge cases, on both engines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import { importPaths } from '../import/import.service.js';
import type { Wait } from '../metrics/waits.js';
import { DAY_MS } from '../shared/time.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { walkThreads } from './health.compute.js';
import { listOpenWaitThreadMessages, listThreadMessagesWithRecentInbound } from './health.repo.js';
import { listOpenWaitPage, listOpenWaits } from './health.service.js';
import { toMbox } from './test-mail.js';

const NOW = Date.parse('2025-06-02T11:30:00Z');

const byThread = (a: Wait, b: Wait) => (a.threadId < b.threadId ? -1 : a.threadId > b.threadId ? 1 : a.start - b.start);

/** The open waits of the window from the given thread rows, in a fixed order. */
async function openWaits(db: Db, ws: Workspace, now: number, read: typeof listOpenWaitThreadMessages): Promise<Wait[]> {
  const since = now - 90 * DAY_MS;
  const rows = await read(db.kysely, ws.id, since, now);
  return walkThreads(rows, ws.settings.nudge_gap_s * 1000)
    .filter((w) => w.repliedAt === null && w.start >= since && w.start < now)
    .sort(byThread);
}

/** The narrowed walk finds what walking every recent thread finds, and a page is the head of the whole list. */
async function expectSameWaits(db: Db, ws: Workspace, now: number): Promise<number> {
  const expected = await openWaits(db, ws, now, listThreadMessagesWithRecentInbound);
  expect(await openWaits(db, ws, now, listOpenWaitThreadMessages)).toEqual(expected);
  const all = await listOpenWaits(db.kysely, ws, now);
  expect(all.length).toBe(expected.reduce((n, w) => n + w.senders.length, 0));
  for (const limit of [0, 1, 7, 50]) {
    expect(await listOpenWaitPage(db.kysely, ws, now, limit)).toEqual({ total: all.length, waits: all.slice(0, limit) });
  }
  return expected.length;
}

describe.each(testDialects())('open waits on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => db.close());

  it('are the same as walking every recent thread, at several instants of a generated workspace', async () => {
    const { workspace } = await generateDemo(db, { contacts: 150, seed: 11, now: NOW });
    let found = 0;
    for (const now of [NOW, NOW - 30 * DAY_MS, NOW - 200 * DAY_MS, NOW + 3 * 3_600_000, NOW + 40 * DAY_MS]) found += await expectSameWaits(db, workspace, now);
    // The comparison means something: the generated mail holds open waits, with competitors named.
    expect(found).toBeGreaterThan(20);
    expect((await listOpenWaits(db.kysely, workspace, NOW)).some((w) => w.competitors.length > 0)).toBe(true);
  });

  it("are the same on the walk's edge cases: thank-yous after a reply, a reply at the same second, unthreaded mail, nudges", async () => {
    const ws = await buildWorkspace(db);
    const mail = (id: string, from: string, at: string, text: string, replyTo?: string) => {
      const mine = from.endsWith('@acme.example');
      return { id, from, to: [mine ? 'ada@client.example' : 'me@acme.example'], subject: `Plans ${id[0]}`, at, replyTo, text };
    };
    const dir = mkdtempSync(join(tmpdir(), 'rapport-waits-parity-'));
    try {
      const mbox = join(dir, 'mail.mbox');
      writeFileSync(mbox, toMbox([
        // Answered, then a thank-you: the thread ends inbound but nobody waits.
        mail('a1@x', 'ada@client.example', '2025-05-19T10:00:00Z', 'Could you send the plans for the new office?'),
        mail('a2@x', 'me@acme.example', '2025-05-20T15:00:00Z', 'Here they are.', 'a1@x'),
        mail('a3@x', 'ada@client.example', '2025-05-20T16:00:00Z', 'Thanks!', 'a2@x'),
        // Asked and answered at the same second: the order of import decides.
        mail('b1@x', 'bob@client.example', '2025-05-28T12:00:00Z', 'Is the invoice final?'),
        mail('b2@x', 'me@acme.example', '2025-05-28T12:00:00Z', 'It is.', 'b1@x'),
        // Answered at the same second, then asked again at that second.
        mail('e1@x', 'eve@client.example', '2025-05-27T12:00:00Z', 'Are we still on for Monday?'),
        mail('e2@x', 'me@acme.example', '2025-05-27T12:00:00Z', 'Yes.', 'e1@x'),
        mail('e3@x', 'eve@client.example', '2025-05-27T12:00:00Z', 'And could you bring the samples?', 'e2@x'),
        // A question nobody answered yet, with a nudge, and a thank-you before it.
        mail('c0@x', 'cy@client.example', '2025-05-15T12:00:00Z', 'Thanks!'),
        mail('c1@x', 'cy@client.example', '2025-05-20T12:00:00Z', 'Can you call me back?', 'c0@x'),
        mail('c2@x', 'cy@client.example', '2025-05-29T12:00:00Z', 'Any chance of a call?', 'c1@x'),
        // Answered long ago, asked again in the window.
        mail('d1@x', 'dee@client.example', '2024-11-10T12:00:00Z', 'Do you have the contract?'),
        mail('d2@x', 'me@acme.example', '2024-11-11T12:00:00Z', 'Attached.', 'd1@x'),
        mail('d3@x', 'dee@client.example', '2025-05-05T12:00:00Z', 'One more question about the contract.', 'd2@x'),
        // A wait that began before the window and is still open.
        mail('f1@x', 'fay@client.example', '2025-01-05T12:00:00Z', 'Did you get my letter?'),
        mail('f2@x', 'fay@client.example', '2025-05-30T12:00:00Z', 'Hello again?', 'f1@x'),
      ]));
      await importPaths(db, ws, [mbox], NOW);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await expectSameWaits(db, ws, NOW)).toBe(3);
    expect((await listOpenWaits(db.kysely, ws, NOW)).map((w) => w.subject)).toEqual(['Plans d', 'Plans c', 'Plans e']);
  });
});
