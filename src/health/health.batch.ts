/**
 * One batch of contacts, from the database to the rows health stores: load what the pure
 * metrics need (health.repo), compute (health.compute) and shape contact_health rows.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { makeBusinessClock, type BusinessClock } from '../metrics/business-time.js';
import { CARE_WINDOW_DAYS } from '../metrics/care.js';
import { makeCompetitorMatcher } from '../metrics/engagement.js';
import { DAY_MS } from '../metrics/inputs.js';
import { listNewsletterEngagement } from '../newsletter/engagement.repo.js';
import { WARMTH_WINDOW_DAYS } from '../newsletter/engagement.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { computeBatch, localDay, threadsToWalk, type BatchRows, type ContactResult } from './health.compute.js';
import {
  listHealthContacts,
  listParticipations,
  listRecentSnapshots,
  listThreadMessages,
  type ContactHealthRow,
  type ContactSelector,
} from './health.repo.js';

type K = Kysely<Database>;

/** What computing a workspace's health needs besides the rows; made once per workspace. */
export interface Tools {
  clock: BusinessClock;
  matchCompetitors: (text: string) => string[];
}

export function toolsFor(ws: Workspace): Tools {
  return {
    clock: makeBusinessClock(ws.settings.time_zone, ws.settings.business_hours),
    matchCompetitors: makeCompetitorMatcher(ws.settings.competitors),
  };
}

/** `lateral`: see listParticipations (PostgreSQL, ranges of contacts). */
async function loadSelected(db: K, ws: Workspace, selector: ContactSelector, now: number, lateral: boolean): Promise<BatchRows> {
  const today = localDay(now, ws.settings.time_zone);
  const monthAgo = localDay(now - 30 * DAY_MS, ws.settings.time_zone);
  const since = { text: ws.settings.competitors.length > 0 ? now - 90 * DAY_MS : null, tags: now - CARE_WINDOW_DAYS * DAY_MS };
  const [contacts, participations, snapshots] = await Promise.all([
    listHealthContacts(db, ws.id, selector),
    listParticipations(db, ws.id, selector, now, since, lateral),
    listRecentSnapshots(db, ws.id, selector, monthAgo, today),
  ]);
  const prospects = contacts.filter((c) => c.kind === 'prospect' && c.client_since === null).map((c) => c.id);
  const [threadMessages, newsletter] = await Promise.all([
    listThreadMessages(db, ws.id, threadsToWalk(participations, now), now),
    listNewsletterEngagement(db, ws.id, prospects, now - WARMTH_WINDOW_DAYS * DAY_MS, now),
  ]);
  return { contacts, participations, threadMessages, snapshots, newsletter };
}

/** §4 metrics and §5 health of the selected contacts at `now`. */
export async function computeSelected(db: K, ws: Workspace, selector: ContactSelector, now: number, tools: Tools, lateral = false): Promise<ContactResult[]> {
  const rows = await loadSelected(db, ws, selector, now, lateral);
  return computeBatch(rows, ws.settings, tools.clock, now, tools.matchCompetitors);
}

function toHealthRow(ws: Workspace, r: ContactResult, now: number): ContactHealthRow {
  return {
    workspace_id: ws.id,
    contact_id: r.contact.id,
    score: r.health.score,
    status: r.health.status,
    slipping: r.health.slipping ? 1 : 0,
    stage: r.stage,
    last_touch_at: r.computed.detail.attention.last_touch_at,
    metrics: JSON.stringify(r.computed.metrics),
    factors: JSON.stringify(r.health.factors),
    computed_at: now,
  };
}

/** The contact_health rows of the selected contacts at `now`. */
export async function scoreSelected(db: K, ws: Workspace, selector: ContactSelector, now: number, tools: Tools, lateral = false): Promise<ContactHealthRow[]> {
  return (await computeSelected(db, ws, selector, now, tools, lateral)).map((r) => toHealthRow(ws, r, now));
}
