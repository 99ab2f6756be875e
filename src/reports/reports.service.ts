/**
 * Reports and the health trend of a contact, from stored health, daily snapshots and threads.
 * Each part of the report is its own read, so the web page can draw each chart as its data
 * arrives; the whole report is the four parts together.
 */
import type { Db } from '../db/database.js';
import { resolveContactId } from '../contacts/contacts.service.js';
import { localDay } from '../health/health.compute.js';
import { type BusinessClock, makeBusinessClock } from '../metrics/business-time.js';
import { DAY_MS } from '../shared/time.js';
import type { BusinessHours, Workspace } from '../workspaces/workspaces.schema.js';
import { attentionHistogram, currentStatuses, repliedWaits, statusSeries, weeklyResponsiveness, weeksBetween } from './reports.js';
import { countCurrentStatuses, countStatusesByDay, listAttentionRatios, listHealthSnapshots, listReplyWalk } from './reports.repo.js';
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

/** Contacts by their current stored status. */
export async function getStatusesNow(db: Db, ws: Workspace): Promise<Reports['statuses_now']> {
  return currentStatuses(await countCurrentStatuses(db.kysely, ws.id));
}

/** Median reply time per week of the last thirteen, wall clock and business hours. */
export async function getResponsiveness(db: Db, ws: Workspace, now: number): Promise<Reports['responsiveness']> {
  const zone = ws.settings.time_zone;
  const weeks = weeksBetween(now - (WEEKS - 1) * 7 * DAY_MS, now, zone);
  const since = Date.parse(`${weeks[0]}T00:00:00Z`) - DAY_MS;
  const waits = repliedWaits(await listReplyWalk(db.kysely, db.dialect, ws.id, since, now));
  return weeklyResponsiveness(waits, weeks, zone, clockOf(zone, ws.settings.business_hours));
}

/**
 * A business clock caches each day's business windows, worked out with a time-zone calendar:
 * a few hundred of those cost more than the rest of the report. Kept per zone and hours
 * (a handful per server), so the next report finds its days already worked out.
 */
const clocks = new Map<string, BusinessClock>();
function clockOf(zone: string, hours: BusinessHours): BusinessClock {
  const key = JSON.stringify([zone, hours]);
  let clock = clocks.get(key);
  if (!clock) {
    if (clocks.size >= 64) clocks.clear();
    clock = makeBusinessClock(zone, hours);
    clocks.set(key, clock);
  }
  return clock;
}

/** Contacts past their honeymoon by the attention they keep. */
export async function getAttentionRatios(db: Db, ws: Workspace): Promise<Reports['attention_ratios']> {
  return attentionHistogram(await listAttentionRatios(db.kysely, db.dialect, ws.id));
}

/** Contacts by status per day of the last ninety days of snapshots. */
export async function getStatusSeries(db: Db, ws: Workspace, now: number): Promise<Reports['statuses']> {
  return statusSeries(await countStatusesByDay(db.kysely, ws.id, localDay(now - STATUS_DAYS * DAY_MS, ws.settings.time_zone)));
}

/** Statuses now and per day, responsiveness per week, attention kept after the honeymoon. */
export async function getReports(db: Db, ws: Workspace, now: number): Promise<Reports> {
  const [statuses_now, responsiveness, attention_ratios, statuses] = await Promise.all([
    getStatusesNow(db, ws),
    getResponsiveness(db, ws, now),
    getAttentionRatios(db, ws),
    getStatusSeries(db, ws, now),
  ]);
  return { statuses_now, responsiveness, attention_ratios, statuses };
}
