/**
 * Health as a service: loads what the pure metrics need (health.repo), computes (metrics/,
 * score.ts) and stores contact_health plus the day's snapshot. Imports and logged
 * interactions call refreshContactHealth for the contacts they touched; `rapport rescore`
 * recomputes a whole workspace in batches of contacts, a handful of queries per batch.
 */
import type { Kysely } from 'kysely';
import { resolveContactId } from '../contacts/contacts.service.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { makeBusinessClock, type BusinessClock } from '../metrics/business-time.js';
import { makeCompetitorMatcher } from '../metrics/engagement.js';
import { DAY_MS } from '../metrics/inputs.js';
import type { ContactHealth, OpenWait } from '../metrics/metrics.types.js';
import { RESPONSIVENESS_WINDOW_DAYS } from '../metrics/responsiveness.js';
import { toIso } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { computeBatch, localDay, walkThreads, type BatchRows, type ContactResult } from './health.compute.js';
import {
  countContacts,
  listContactIdPage,
  listHealthContacts,
  listInteractionSubjects,
  listContactTags,
  listParticipations,
  listPrimaryEmails,
  listRecentSnapshots,
  listThreadMessages,
  listThreadMessagesWithRecentInbound,
  listThreadSubjects,
  upsertContactHealth,
  type ContactHealthRow,
  type ContactSelector,
} from './health.repo.js';

type K = Kysely<Database>;

interface Tools {
  clock: BusinessClock;
  matchCompetitors: (text: string) => string[];
}

function toolsFor(ws: Workspace): Tools {
  return {
    clock: makeBusinessClock(ws.settings.time_zone, ws.settings.business_hours),
    matchCompetitors: makeCompetitorMatcher(ws.settings.competitors),
  };
}

async function loadSelected(db: K, ws: Workspace, selector: ContactSelector, now: number): Promise<BatchRows> {
  const today = localDay(now, ws.settings.time_zone);
  const monthAgo = localDay(now - 30 * DAY_MS, ws.settings.time_zone);
  const textSince = ws.settings.competitors.length > 0 ? now - 90 * DAY_MS : null;
  const [contacts, participations, tags, threadMessages, snapshots] = await Promise.all([
    listHealthContacts(db, ws.id, selector),
    listParticipations(db, ws.id, selector, now, textSince),
    listContactTags(db, ws.id, selector),
    listThreadMessages(db, ws.id, selector, now),
    listRecentSnapshots(db, ws.id, selector, monthAgo, today),
  ]);
  return { contacts, participations, tags, threadMessages, snapshots };
}

async function computeSelected(db: K, ws: Workspace, selector: ContactSelector, now: number, tools: Tools): Promise<ContactResult[]> {
  const rows = await loadSelected(db, ws, selector, now);
  return computeBatch(rows, ws.settings, tools.clock, now, tools.matchCompetitors);
}

function toRow(ws: Workspace, r: ContactResult, now: number): ContactHealthRow {
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

/** Recomputes and stores contact_health and today's snapshot for these contacts. */
export async function refreshContactHealth(db: K, ws: Workspace, contactIds: string[], now: number): Promise<void> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return;
  const tools = toolsFor(ws);
  const day = localDay(now, ws.settings.time_zone);
  for (let i = 0; i < ids.length; i += 500) {
    const results = await computeSelected(db, ws, { ids: ids.slice(i, i + 500) }, now, tools);
    await db.transaction().execute((trx) => upsertContactHealth(trx, results.map((r) => toRow(ws, r, now)), day));
  }
}

/** Recomputes every contact of the workspace, in batches of contacts by id. */
export async function rescoreWorkspace(
  db: Db,
  ws: Workspace,
  now: number,
  onProgress?: (done: number, total: number) => void,
): Promise<{ contacts: number; seconds: number }> {
  const started = performance.now();
  const k = db.kysely;
  const total = Number((await countContacts(k, ws.id)).n);
  const tools = toolsFor(ws);
  const day = localDay(now, ws.settings.time_zone);
  const pageSize = 2000;
  let done = 0;
  onProgress?.(0, total);
  // The next batch loads while this one is computed and written: on PostgreSQL the reads and
  // the writes then run on two connections at once.
  const load = async (after: string | null) => {
    const page = await listContactIdPage(k, ws.id, after, pageSize);
    if (page.length === 0) return null;
    const selector = { from: page[0]!.id, to: page[page.length - 1]!.id };
    return { selector, size: page.length, rows: await loadSelected(k, ws, selector, now) };
  };
  let next = load(null);
  for (;;) {
    const batch = await next;
    if (!batch) break;
    next = load(batch.selector.to);
    // A rejected prefetch is reported when awaited; until then it must not crash the process.
    next.catch(() => undefined);
    const results = computeBatch(batch.rows, ws.settings, tools.clock, now, tools.matchCompetitors);
    await k.transaction().execute((trx) => upsertContactHealth(trx, results.map((r) => toRow(ws, r, now)), day));
    done += batch.size;
    onProgress?.(done, total);
  }
  return { contacts: done, seconds: (performance.now() - started) / 1000 };
}

async function contactSummaries(db: K, ws: Workspace, ids: string[]) {
  const emails = new Map<string, string>();
  for (const e of await listPrimaryEmails(db, ws.id, ids)) if (!emails.has(e.contact_id)) emails.set(e.contact_id, e.email);
  return emails;
}

/**
 * §4 metrics and §5 health of one contact, computed live at `now`.
 * @throws not_found
 */
export async function getContactHealth(db: K, ws: Workspace, contactRef: string, now: number): Promise<ContactHealth> {
  const id = await resolveContactId(db, ws, contactRef);
  const [result] = await computeSelected(db, ws, { ids: [id] }, now, toolsFor(ws));
  if (!result) throw new NotFoundError('contact', contactRef);
  const emails = await contactSummaries(db, ws, [id]);
  return {
    contact: { id, name: result.contact.name, email: emails.get(id) ?? null },
    score: result.health.score,
    status: result.health.status,
    slipping: result.health.slipping,
    stage: result.stage,
    factors: result.health.factors,
    metrics: result.computed.metrics,
  };
}

/** Every open wait (SPEC §4.1) of the last 90 days at `now`, oldest first. */
export async function listOpenWaits(db: K, ws: Workspace, now: number): Promise<OpenWait[]> {
  const since = now - RESPONSIVENESS_WINDOW_DAYS * DAY_MS;
  const rows = await listThreadMessagesWithRecentInbound(db, ws.id, since, now);
  const open = walkThreads(rows, ws.settings.nudge_gap_s * 1000).filter((w) => w.repliedAt === null && w.start >= since && w.start < now);
  const contactIds = [...new Set(open.flatMap((w) => w.senders))];
  const names = new Map<string, string>();
  for (let i = 0; i < contactIds.length; i += 500) {
    for (const c of await listHealthContacts(db, ws.id, { ids: contactIds.slice(i, i + 500) })) names.set(c.id, c.name);
  }
  const emails = new Map<string, string>();
  for (let i = 0; i < contactIds.length; i += 500) {
    for (const [k, v] of await contactSummaries(db, ws, contactIds.slice(i, i + 500))) emails.set(k, v);
  }
  const threadIds = [...new Set(open.map((w) => w.threadId))];
  const subjects = new Map<string, string | null>();
  for (let i = 0; i < threadIds.length; i += 500) {
    const chunk = threadIds.slice(i, i + 500);
    for (const t of await listThreadSubjects(db, ws.id, chunk.filter((t) => !t.startsWith('ix_')))) subjects.set(t.id, t.subject);
    for (const t of await listInteractionSubjects(db, ws.id, chunk.filter((t) => t.startsWith('ix_')))) subjects.set(t.id, t.subject);
  }
  const clock = makeBusinessClock(ws.settings.time_zone, ws.settings.business_hours);
  const waits: OpenWait[] = [];
  for (const w of open) {
    for (const sender of w.senders) {
      waits.push({
        contact: { id: sender, name: names.get(sender) ?? sender, email: emails.get(sender) ?? null },
        thread_id: w.threadId,
        subject: subjects.get(w.threadId) ?? null,
        since: toIso(w.start),
        wait_s: (now - w.start) / 1000,
        wait_business_s: clock.seconds(w.start, now),
        nudges: w.nudges.length,
      });
    }
  }
  return waits.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.contact.id < b.contact.id ? -1 : 1));
}
