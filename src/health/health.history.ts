/**
 * Snapshots of the past, scored from the data as it stood then (every query of a score reads
 * only what happened before its instant). A workspace keeps one snapshot a day from the day it
 * is scored; a workspace born with years of mail (the demo) gets past ones this way, so its
 * trends and "Statuses over time" are drawn on first sight. contact_health stays as of now.
 */
import type { Db } from '../db/database.js';
import { DAY_MS } from '../metrics/inputs.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { scoreSelected, toolsFor } from './health.batch.js';
import { localDay } from './health.compute.js';
import { countContacts, listContactIdPage, upsertSnapshots } from './health.repo.js';

/** Weekly over the last 13 weeks (the reports' 90 days), monthly before that back to a year: 22 scorings. */
export function pastSnapshotInstants(now: number): number[] {
  const weekly = Array.from({ length: 13 }, (_, i) => now - (i + 1) * 7 * DAY_MS);
  const monthly = Array.from({ length: 9 }, (_, i) => now - (i + 4) * 30 * DAY_MS);
  return [...weekly, ...monthly].sort((a, b) => a - b);
}

/** Scores every contact at each instant and stores that day's snapshot, oldest first. */
export async function recordPastSnapshots(db: Db, ws: Workspace, instants: readonly number[], onProgress?: (done: number, total: number) => void): Promise<void> {
  const tools = toolsFor(ws);
  const total = Number((await countContacts(db.kysely, ws.id)).n) * instants.length;
  let done = 0;
  for (const at of [...instants].sort((a, b) => a - b)) {
    const day = localDay(at, ws.settings.time_zone);
    for (let after: string | null = null; ; ) {
      const ids = await listContactIdPage(db.kysely, ws.id, after, 1000);
      if (ids.length === 0) break;
      after = ids[ids.length - 1]!.id;
      const rows = await scoreSelected(db.kysely, ws, { from: ids[0]!.id, to: after }, at, tools, db.dialect === 'postgres');
      // A contact nothing had happened with yet has no score then, and no snapshot.
      const scored = rows.filter((r) => r.score !== null);
      await db.kysely.transaction().execute((trx) => upsertSnapshots(trx, scored, day));
      done += ids.length;
      onProgress?.(done, total);
    }
  }
}
