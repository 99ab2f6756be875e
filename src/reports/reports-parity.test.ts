/**
 * The responsiveness report reads lean, ordered rows and walks them in one pass; before, it
 * walked every thread with the full wait walk (senders, nudges). Both must give the same
 * weeks on generated data, on both engines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import { walkThreads } from '../health/health.compute.js';
import { listThreadMessagesWithRecentInbound } from '../health/health.repo.js';
import { toMbox } from '../health/test-mail.js';
import { importPaths } from '../import/import.service.js';
import { makeBusinessClock } from '../metrics/business-time.js';
import { DAY_MS } from '../shared/time.js';
import { buildWorkspace } from '../test/factories.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { weeklyResponsiveness, weeksBetween } from './reports.js';
import { getReports, getResponsiveness } from './reports.service.js';

const NOW = Date.parse('2025-06-02T11:30:00Z');

/** The computation the report used before: every wait of every thread, answered ones counted. */
async function previousResponsiveness(db: Db, ws: Workspace, now: number) {
  const zone = ws.settings.time_zone;
  const weeks = weeksBetween(now - 12 * 7 * DAY_MS, now, zone);
  const since = Date.parse(`${weeks[0]}T00:00:00Z`) - DAY_MS;
  const waits = walkThreads(await listThreadMessagesWithRecentInbound(db.kysely, ws.id, since, now), ws.settings.nudge_gap_s * 1000);
  return weeklyResponsiveness(waits, weeks, zone, makeBusinessClock(zone, ws.settings.business_hours));
}

describe.each(testDialects())('responsiveness report on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => db.close());

  it('gives the same weeks as walking every thread, at several instants of a generated workspace', async () => {
    const { workspace } = await generateDemo(db, { contacts: 150, seed: 11, now: NOW });
    let replies = 0;
    for (const now of [NOW, NOW - 30 * DAY_MS, NOW - 200 * DAY_MS, NOW + 3 * 3_600_000]) {
      const expected = await previousResponsiveness(db, workspace, now);
      expect(await getResponsiveness(db, workspace, now)).toEqual(expected);
      replies += expected.reduce((n, w) => n + w.replies, 0);
    }
    // The comparison means something: the generated mail holds answered waits.
    expect(replies).toBeGreaterThan(50);
    expect((await getReports(db, workspace, NOW)).responsiveness).toEqual(await previousResponsiveness(db, workspace, NOW));
  });

  it('gives the same weeks on the walk\'s edge cases: a thank-you while nobody waits, a reply at the same second, unthreaded mail, nudges', async () => {
    const ws = await buildWorkspace(db);
    const mail = (id: string, from: string, at: string, text: string, replyTo?: string) => {
      const mine = from.endsWith('@acme.example');
      return { id, from, to: [mine ? 'ada@client.example' : 'me@acme.example'], subject: 'Plans', at, replyTo, text };
    };
    const dir = mkdtempSync(join(tmpdir(), 'rapport-parity-'));
    try {
      const mbox = join(dir, 'mail.mbox');
      writeFileSync(mbox, toMbox([
        // A thank-you starts no wait; the question after it does.
        mail('a1@x', 'ada@client.example', '2025-05-19T08:00:00Z', 'Thanks!'),
        mail('a2@x', 'ada@client.example', '2025-05-19T10:00:00Z', 'Could you send the plans for the new office?', 'a1@x'),
        mail('a3@x', 'ada@client.example', '2025-05-21T10:00:00Z', 'Any news about the plans?', 'a2@x'),
        mail('a4@x', 'me@acme.example', '2025-05-22T15:00:00Z', 'Here they are.', 'a3@x'),
        // A thank-you while a wait is open, then the reply.
        mail('a5@x', 'ada@client.example', '2025-05-26T09:00:00Z', 'Could we meet on Friday to go through them?', 'a4@x'),
        mail('a6@x', 'ada@client.example', '2025-05-26T09:30:00Z', 'Thanks!', 'a5@x'),
        mail('a7@x', 'me@acme.example', '2025-05-27T09:00:00Z', 'Friday works.', 'a6@x'),
        // Asked and answered at the same second: the order of import decides.
        mail('b1@x', 'bob@client.example', '2025-05-28T12:00:00Z', 'Is the invoice final?'),
        mail('b2@x', 'me@acme.example', '2025-05-28T12:00:00Z', 'It is.', 'b1@x'),
        // A question nobody answered yet, and an old thread answered in the window.
        mail('c1@x', 'cy@client.example', '2025-05-30T12:00:00Z', 'Can you call me back?'),
        mail('d1@x', 'dee@client.example', '2025-01-10T12:00:00Z', 'Do you have the contract?'),
        mail('d2@x', 'dee@client.example', '2025-05-05T12:00:00Z', 'Still looking for the contract.', 'd1@x'),
        mail('d3@x', 'me@acme.example', '2025-05-06T12:00:00Z', 'Attached.', 'd2@x'),
      ]));
      await importPaths(db, ws, [mbox], NOW);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const expected = await previousResponsiveness(db, ws, NOW);
    expect(expected.reduce((n, w) => n + w.replies, 0)).toBe(4);
    expect(await getResponsiveness(db, ws, NOW)).toEqual(expected);
  });
});
