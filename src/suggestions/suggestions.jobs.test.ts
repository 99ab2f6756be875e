import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import { isWorkspaceDue } from '../health/health.scheduler.js';
import type { JobContext } from '../jobs/jobs.types.js';
import { DAY_MS } from '../shared/time.js';
import { loadSuggestionDeps } from './suggestions.deps.js';
import { prepareTodayDueJob, prepareTodayJob } from './suggestions.jobs.js';
import { forgetRun } from './suggestions.repo.js';
import { ensureSuggestionsFresh, isWholeRunDue, listToday } from './suggestions.service.js';

const NOW = Date.parse('2026-03-02T09:00:00Z');

describe.each(testDialects())("the day's first Today run on %s", (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  function context(now: number, enqueued: [string, unknown][]): JobContext {
    return {
      db,
      now: () => now,
      enqueue: async (name, payload) => {
        enqueued.push([name, payload]);
      },
      services: { mailKey: () => { throw new Error('no mail in this test'); }, allowPrivateWebhooks: false },
      signal: new AbortController().signal,
    };
  }

  it('is done by the worker once the day is rescored, so the first look at Today finds it done', async () => {
    const { workspace: ws } = await generateDemo(db, { contacts: 30, seed: 3, now: NOW });
    await ensureSuggestionsFresh(db.kysely, ws, NOW, loadSuggestionDeps);
    const nextDay = NOW + DAY_MS;
    expect(await isWholeRunDue(db.kysely, ws, nextDay)).toBe(true);

    // The next morning, before the rescore: the run waits for the day's health.
    expect(await isWorkspaceDue(db, ws, nextDay)).toBe(true);
    const before: [string, unknown][] = [];
    await prepareTodayDueJob.run({}, context(nextDay, before));
    expect(before).toEqual([]);

    await db.kysely.updateTable('contact_health').set({ computed_at: nextDay }).where('workspace_id', '=', ws.id).execute();
    const enqueued: [string, unknown][] = [];
    await prepareTodayDueJob.run({}, context(nextDay, enqueued));
    expect(enqueued).toEqual([[prepareTodayJob.name, { workspace_id: ws.id, day: '2026-03-03' }]]);
    await prepareTodayJob.run(enqueued[0]?.[1] as { workspace_id: string; day: string }, context(nextDay, []));

    // Done: the cron finds nothing more to do, and the first look at Today runs nothing whole.
    expect(await isWholeRunDue(db.kysely, ws, nextDay)).toBe(false);
    const again: [string, unknown][] = [];
    await prepareTodayDueJob.run({}, context(nextDay + 60_000, again));
    expect(again).toEqual([]);
    expect((await ensureSuggestionsFresh(db.kysely, ws, nextDay + 60_000, loadSuggestionDeps)).whole).toBe(false);
  });

  it('lets two runs of one workspace overlap (a request and the worker) without an error or a duplicate', async () => {
    const { workspace: ws } = await generateDemo(db, { contacts: 30, seed: 4, now: NOW });
    // As on the first look of a day: every run is a whole one, each inserting every suggestion.
    await db.kysely.deleteFrom('suggestions').where('workspace_id', '=', ws.id).execute();
    await forgetRun(db.kysely, ws.id);
    const runs = await Promise.all([0, 1, 2].map(() => ensureSuggestionsFresh(db.kysely, ws, NOW, loadSuggestionDeps)));
    expect(runs.every((r) => r.whole)).toBe(true);
    const today = await listToday(db.kysely, ws, NOW, { limit: 500 }, loadSuggestionDeps);
    expect(today.length).toBeGreaterThan(0);
    expect(new Set(today.map((s) => s.id)).size).toBe(today.length);
  });
});
