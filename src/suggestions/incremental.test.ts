import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeCommitment } from '../commitments/commitments.service.js';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import { addFact } from '../facts/facts.service.js';
import { logInteraction } from '../interactions/interactions.service.js';
import { addKnowledge } from '../knowledge/knowledge.service.js';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { suggest } from './engine.js';
import { getTodayPlan } from './plan.service.js';
import { loadSuggestionDeps } from './suggestions.deps.js';
import { loadEngineInput } from './suggestions.input.js';
import { forgetRun } from './suggestions.repo.js';
import { ensureSuggestionsFresh, listToday } from './suggestions.service.js';

// A Monday morning in business hours: waits grow in business time as the test moves on.
const NOW = Date.parse('2026-03-02T09:00:00Z');

/** Every stored suggestion as a user could see it. */
async function stored(db: Db, ws: Workspace) {
  const rows = await db.kysely
    .selectFrom('suggestions')
    .select(['cause', 'kind', 'contact_id', 'reason', 'priority', 'due_at', 'draft', 'status'])
    .where('workspace_id', '=', ws.id)
    .orderBy('cause')
    .execute();
  return rows.map((r) => ({ ...r, priority: Number(r.priority), due_at: Number(r.due_at) }));
}

describe.each(testDialects())('the incremental suggestion engine on %s', (dialect) => {
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.close();
  });

  it('recomputes only what changed and ends where a whole recomputation ends, after each kind of change', async () => {
    let ws = (await generateDemo(db, { contacts: 40, seed: 7, now: NOW })).workspace;
    // The demo made the day's Today with its data: the first look finds nothing to recompute.
    const first = await ensureSuggestionsFresh(db.kysely, ws, NOW, loadSuggestionDeps);
    expect(first).toEqual({ recomputed: 0, whole: false });

    /** Brings Today up to date incrementally, then checks it against a whole run and the pure engine. */
    const check = async (now: number, expected: 'some' | 'whole') => {
      const run = await ensureSuggestionsFresh(db.kysely, ws, now, loadSuggestionDeps);
      if (expected === 'whole') expect(run.whole).toBe(true);
      else {
        expect(run.whole).toBe(false);
        expect(run.recomputed).toBeGreaterThan(0);
        expect(run.recomputed).toBeLessThan(40);
      }
      const incremental = await stored(db, ws);
      const incrementalToday = await listToday(db.kysely, ws, now, { limit: 500 }, loadSuggestionDeps);
      await forgetRun(db.kysely, ws.id);
      expect((await ensureSuggestionsFresh(db.kysely, ws, now, loadSuggestionDeps)).whole).toBe(true);
      expect(incremental).toEqual(await stored(db, ws));
      expect(incrementalToday).toEqual(await listToday(db.kysely, ws, now, { limit: 500 }, loadSuggestionDeps));
      // And what is open is what the engine finds from scratch (minus what was done or dismissed).
      const engineNow = now - (now % 60_000);
      const fresh = suggest(await loadEngineInput(db.kysely, ws, engineNow, await loadSuggestionDeps()), engineNow);
      const open = incremental.filter((s) => s.status === 'open' || s.status === 'snoozed');
      expect(open.map((s) => [s.cause, s.reason, s.priority, s.due_at])).toEqual(
        fresh
          .filter((s) => open.some((o) => o.cause === s.cause))
          .sort((a, b) => (a.cause < b.cause ? -1 : 1))
          .map((s) => [s.cause, s.reason, s.priority, s.due_at]),
      );
      expect(open.length).toBe(fresh.filter((s) => incremental.some((i) => i.cause === s.cause && (i.status === 'open' || i.status === 'snoozed'))).length);
    };
    const contacts = await db.kysely.selectFrom('contacts').select(['id', 'name']).where('workspace_id', '=', ws.id).orderBy('id').execute();
    const [a, b, c] = contacts as unknown as [{ id: string }, { id: string }, { id: string }];
    let now = NOW + 5 * 60_000;

    // A new inbound mail from one contact: a new wait, and news to compliment.
    await logInteraction(db.kysely, ws, { kind: 'email', contact_ids: [a.id], at: now - 60_000, direction: 'in', text: 'Quick question about the offer. Also: we launched our new app!' }, now);
    await check(now, 'some');

    // A fact (an interest and a birthday next week).
    now += 5 * 60_000;
    await addFact(db.kysely, ws, b.id, { kind: 'interest', text: 'sailing' }, now);
    await addFact(db.kysely, ws, b.id, { kind: 'important_date', text: 'Birthday', date: '1980-03-06', yearly: true }, now);
    await check(now, 'some');

    // A commitment completed.
    now += 5 * 60_000;
    const open = await db.kysely.selectFrom('commitments').select(['id']).where('workspace_id', '=', ws.id).where('status', '=', 'open').orderBy('id').executeTakeFirst();
    if (open) {
      await completeCommitment(db.kysely, ws, open.id, now);
      await check(now, 'some');
    }

    // Hours pass in the same day: replies read their longer waits.
    now += 4 * HOUR_MS;
    await check(now, 'some');

    // A knowledge item can match anyone's interests: every contact again.
    now += 5 * 60_000;
    await addKnowledge(db.kysely, ws, { title: 'Sailing in winter', topics: ['sailing'] }, now);
    await check(now, 'whole');

    // A settings change touches every contact.
    now += 5 * 60_000;
    ws = await updateWorkspaceSettings(db.kysely, ws, { honeymoon_days: 120 }, now);
    await check(now, 'whole');

    // The next day.
    now = NOW + DAY_MS;
    await logInteraction(db.kysely, ws, { kind: 'call', contact_ids: [c.id], at: now - HOUR_MS, direction: 'out', text: 'Called about the renewal.' }, now);
    await check(now, 'whole');

    // The day's plan is made from the stored suggestions and keeps its shape.
    const plan = await getTodayPlan(db.kysely, ws, now, {}, loadSuggestionDeps);
    expect(plan.items.length).toBeGreaterThan(0);
    expect(plan.items.length).toBeLessThanOrEqual(ws.settings.today_plan_size + 1);
  });
});
