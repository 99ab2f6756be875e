/** Reports and the health trend of a contact, from stored health, daily snapshots and threads. */
import type { Db } from '../db/database.js';
import { resolveContactId } from '../contacts/contacts.service.js';
import { walkThreads, localDay } from '../health/health.compute.js';
import { listThreadMessagesWithRecentInbound } from '../health/health.repo.js';
import { makeBusinessClock } from '../metrics/business-time.js';
import { DAY_MS } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { attentionHistogram, currentStatuses, statusSeries, weeklyResponsiveness, weeksBetween } from './reports.js';
import { countCurrentStatuses, countStatusesByDay, listAttentionRatios, listHealthSnapshots } from './reports.repo.js';
import type { HealthPoint, Reports } from './reports.schema.js';

/** How far back the trends go. Thirteen weeks of replies is the responsiveness window of SPEC §4.2. */
const WEEKS = 13;
const SNAPSHOT_DAYS = 365;
const STATUS_DAYS = 90;

/**
 * The contact's daily scores (SPEC §5.2 keeps one snapshot a day), oldest first, for a year.
 * @throws not_found
 */
export async function getHealthHistory(db: Db, ws: Workspace, contactRef: string, now: number): Promise<HealthPoint[]> {
  const id = await resolveContactId(db.kysely, ws, contactRef);
  const since = localDay(now - SNAPSHOT_DAYS * DAY_MS, ws.settings.time_zone);
  return listHealthSnapshots(db.kysely, ws.id, id, since);
}

/** Statuses now and per day, responsiveness per week, attention kept after the honeymoon. */
export async function getReports(db: Db, ws: Workspace, now: number): Promise<Reports> {
  const zone = ws.settings.time_zone;
  const weeks = weeksBetween(now - (WEEKS - 1) * 7 * DAY_MS, now, zone);
  const since = Date.parse(`${weeks[0]}T00:00:00Z`) - DAY_MS;
  const [threadRows, ratios, statusRows, currentRows] = await Promise.all([
    listThreadMessagesWithRecentInbound(db.kysely, ws.id, since, now),
    listAttentionRatios(db.kysely, db.dialect, ws.id),
    countStatusesByDay(db.kysely, ws.id, localDay(now - STATUS_DAYS * DAY_MS, zone)),
    countCurrentStatuses(db.kysely, ws.id),
  ]);
  const waits = walkThreads(threadRows, ws.settings.nudge_gap_s * 1000);
  return {
    statuses_now: currentStatuses(currentRows),
    responsiveness: weeklyResponsiveness(waits, weeks, zone, makeBusinessClock(zone, ws.settings.business_hours)),
    attention_ratios: attentionHistogram(ratios),
    statuses: statusSeries(statusRows),
  };
}
