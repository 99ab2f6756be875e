import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/database.js';
import { createTestDb, testDialects } from '../db/test-db.js';
import { generateDemo } from '../demo/demo.service.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { createWebhook } from '../webhooks/webhooks.service.js';
import { updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { rescoreDueWorkspaces, startDailyRescore } from './health.scheduler.js';

// 12:30 in London (BST, UTC+1), where the demo workspace lives: its next day starts at 23:00 UTC.
const NOW = Date.parse('2025-06-02T11:30:00Z');
const LONDON_MIDNIGHT = Date.parse('2025-06-02T23:00:00Z');

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe.each(testDialects())('daily rescore on %s', (dialect) => {
  let db: Db;
  let ws: Workspace;
  beforeEach(async () => {
    db = await createTestDb(dialect);
    ({ workspace: ws } = await generateDemo(db, { contacts: 8, seed: 3, now: NOW }));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await db.close();
  });

  async function snapshotDays() {
    const rows = await db.kysely.selectFrom('health_snapshots').select('day').where('workspace_id', '=', ws.id).execute();
    const days: Record<string, number> = {};
    for (const r of rows) days[r.day] = (days[r.day] ?? 0) + 1;
    return days;
  }

  it('rescores a workspace once its local day has turned, and only once that day', async () => {
    expect(await rescoreDueWorkspaces(db, NOW + 3_600_000)).toEqual([]);
    expect(await rescoreDueWorkspaces(db, LONDON_MIDNIGHT - 1)).toEqual([]);
    expect((await rescoreDueWorkspaces(db, LONDON_MIDNIGHT)).map((w) => w.slug)).toEqual(['demo']);
    expect(await snapshotDays()).toEqual({ '2025-06-02': 8, '2025-06-03': 8 });
    const computed = await db.kysely.selectFrom('contact_health').select('computed_at').distinct().where('workspace_id', '=', ws.id).execute();
    expect(computed).toEqual([{ computed_at: LONDON_MIDNIGHT }]);
    expect(await rescoreDueWorkspaces(db, LONDON_MIDNIGHT + 1_800_000)).toEqual([]);
  });

  it('announces the statuses that moved overnight to webhooks', async () => {
    await createWebhook(db.kysely, ws, { url: 'https://hooks.example/rapport', events: ['contact.status_changed'] }, NOW, true);
    const [moved] = await db.kysely.selectFrom('contact_health').select(['contact_id', 'status']).where('workspace_id', '=', ws.id).orderBy('contact_id').execute();
    const other = moved!.status === 'at_risk' ? 'healthy' : 'at_risk';
    await db.kysely.updateTable('contact_health').set({ status: other }).where('contact_id', '=', moved!.contact_id).execute();
    await rescoreDueWorkspaces(db, LONDON_MIDNIGHT);
    const deliveries = await db.kysely.selectFrom('webhook_deliveries').select('payload').where('workspace_id', '=', ws.id).execute();
    const announced = deliveries.map((d) => JSON.parse(d.payload).data).filter((data) => data.contact.id === moved!.contact_id);
    expect(announced).toEqual([expect.objectContaining({ from: other, to: moved!.status })]);
  });

  it("follows each workspace's own time zone", async () => {
    const { workspace: auckland } = await generateDemo(db, { contacts: 3, seed: 4, now: NOW, slug: 'auckland' });
    // Auckland is UTC+12 in June: its 3 June starts at noon UTC, 11 hours before London's.
    await updateWorkspaceSettings(db.kysely, auckland, { time_zone: 'Pacific/Auckland' }, NOW);
    const noon = Date.parse('2025-06-02T12:00:00Z');
    expect(await rescoreDueWorkspaces(db, noon - 1)).toEqual([]);
    expect((await rescoreDueWorkspaces(db, noon)).map((w) => w.slug)).toEqual(['auckland']);
    expect((await rescoreDueWorkspaces(db, LONDON_MIDNIGHT)).map((w) => w.slug)).toEqual(['demo']);
  });

  it('scores contacts that have no health yet', async () => {
    await db.kysely.deleteFrom('contact_health').where('workspace_id', '=', ws.id).execute();
    expect((await rescoreDueWorkspaces(db, NOW)).map((w) => w.slug)).toEqual(['demo']);
    const stored = await db.kysely.selectFrom('contact_health').select('contact_id').where('workspace_id', '=', ws.id).execute();
    expect(stored).toHaveLength(8);
  });

  it.runIf(dialect === 'postgres')('lets one of several servers on one database do the rescore', async () => {
    const rounds = await Promise.all([rescoreDueWorkspaces(db, LONDON_MIDNIGHT), rescoreDueWorkspaces(db, LONDON_MIDNIGHT), rescoreDueWorkspaces(db, LONDON_MIDNIGHT)]);
    expect(rounds.flat().map((w) => w.slug)).toEqual(['demo']);
  });

  it('runs at start and then on its timer, with the clock it is given', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let now = LONDON_MIDNIGHT + 60_000;
    let rescored = deferred<string[]>();
    const stop = startDailyRescore(db, {
      now: () => now,
      everyMs: 60_000,
      onRescored: (list) => rescored.resolve(list.map((w) => w.slug)),
      onError: (error) => rescored.reject(error),
    });
    try {
      // A server started after midnight catches up at once.
      expect(await rescored.promise).toEqual(['demo']);
      rescored = deferred<string[]>();
      now = LONDON_MIDNIGHT + 86_400_000;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(await rescored.promise).toEqual(['demo']);
    } finally {
      await stop();
    }
    expect(await snapshotDays()).toEqual({ '2025-06-02': 8, '2025-06-03': 8, '2025-06-04': 8 });
  });
});
