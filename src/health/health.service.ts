/**
 * Health as a service: loads what the pure metrics need (health.repo), computes (metrics/,
 * score.ts) and stores contact_health plus the day's snapshot. Imports and logged
 * interactions call refreshContactHealth for the contacts they touched; `rapport rescore`
 * recomputes a whole workspace in batches of contacts, a handful of queries per batch.
 */
import type { Kysely } from 'kysely';
import { resolveContactRef } from '../contacts/contacts.service.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { DAY_MS } from '../metrics/inputs.js';
import type { ContactHealthSummary, HealthStatus } from '../contacts/contacts.schema.js';
import type { ContactHealth, OpenWait, WaitingRow } from '../metrics/metrics.types.js';
import { RESPONSIVENESS_WINDOW_DAYS } from '../metrics/responsiveness.js';
import { toIso } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { computeSelected, scoreSelected, toolsFor, type Tools } from './health.batch.js';
import { compareOpenWaits, localDay, walkThreads } from './health.compute.js';
import {
  countContacts,
  listContactIdPage,
  listHealthContacts,
  listInboundInThreads,
  listInteractionSubjects,
  listPrimaryEmails,
  listStoredHealth,
  listOpenWaitThreadMessages,
  listThreadSubjects,
  upsertContactHealth,
} from './health.repo.js';

type K = Kysely<Database>;

/** Recomputes and stores contact_health and today's snapshot for these contacts. */
export async function refreshContactHealth(db: K, ws: Workspace, contactIds: string[], now: number): Promise<void> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return;
  const tools = toolsFor(ws);
  const day = localDay(now, ws.settings.time_zone);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await scoreSelected(db, ws, { ids: ids.slice(i, i + 500) }, now, tools);
    await db.transaction().execute((trx) => upsertContactHealth(trx, rows, day));
  }
}

export interface RescoreOptions {
  /** Contacts per batch (default 1000); tests use small batches to cross batch boundaries. */
  batchSize?: number;
  /** Stops between batches (the server shutting down); each finished batch stays stored. */
  signal?: AbortSignal;
}

/**
 * Recomputes every contact of the workspace, in batches of contacts by id.
 * @throws AbortError when `signal` aborts.
 */
export async function rescoreWorkspace(
  db: Db,
  ws: Workspace,
  now: number,
  onProgress?: (done: number, total: number) => void,
  options: RescoreOptions = {},
): Promise<{ contacts: number; seconds: number }> {
  const started = performance.now();
  const k = db.kysely;
  const total = Number((await countContacts(k, ws.id)).n);
  const tools = toolsFor(ws);
  const day = localDay(now, ws.settings.time_zone);
  const pageSize = options.batchSize ?? 1000;
  const postgres = db.dialect === 'postgres';
  // Batches scored ahead of the one being written. PostgreSQL works in its own processes: two
  // batches load (one server process each) while this one is computed and written. SQLite
  // answers synchronously, so reading ahead would only hold more rows in memory.
  const ahead = postgres ? 2 : 0;
  // Pages of ids are read one after the other (each starts after the last id of the previous).
  let after: string | null = null;
  let pages: Promise<unknown> = Promise.resolve();
  const next = () => {
    const page = pages.then(async () => {
      const ids = await listContactIdPage(k, ws.id, after, pageSize);
      if (ids.length === 0) return null;
      after = ids[ids.length - 1]!.id;
      return { from: ids[0]!.id, to: after, size: ids.length };
    });
    pages = page;
    const batch = page.then(async (p) => p && { size: p.size, rows: await scoreSelected(k, ws, { from: p.from, to: p.to }, now, tools, postgres) });
    // A rejected read-ahead is reported when awaited; until then it must not crash the process.
    batch.catch(() => undefined);
    return batch;
  };
  const scoring = Array.from({ length: ahead + 1 }, next);
  let writing: Promise<void> = Promise.resolve();
  let done = 0;
  onProgress?.(0, total);
  try {
    for (;;) {
      const batch = await scoring.shift()!;
      if (!batch) break;
      options.signal?.throwIfAborted();
      scoring.push(next());
      // The previous batch's write commits while this one was scored.
      await writing;
      writing = k
        .transaction()
        .execute((trx) => upsertContactHealth(trx, batch.rows, day))
        .then(() => {
          done += batch.size;
          onProgress?.(done, total);
        });
      writing.catch(() => undefined);
    }
    await writing;
  } finally {
    // Work still in flight must end before the caller may close the database.
    await Promise.allSettled([...scoring, writing]);
  }
  return { contacts: done, seconds: (performance.now() - started) / 1000 };
}

/**
 * The business clock and competitor matcher per workspace settings, kept across reads: the
 * clock caches each day's business window, which a read would otherwise work out again.
 */
const toolsBySettings = new Map<string, Tools>();

function cachedToolsFor(ws: Workspace): Tools {
  const { time_zone, business_hours, competitors } = ws.settings;
  const key = JSON.stringify([time_zone, business_hours, competitors]);
  let tools = toolsBySettings.get(key);
  if (!tools) {
    if (toolsBySettings.size >= 100) toolsBySettings.clear();
    tools = toolsFor(ws);
    toolsBySettings.set(key, tools);
  }
  return tools;
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
  const { id, email } = await resolveContactRef(db, ws, contactRef);
  const [result] = await computeSelected(db, ws, { ids: [id] }, now, cachedToolsFor(ws));
  if (!result) throw new NotFoundError('contact', contactRef);
  return {
    contact: { id, name: result.contact.name, email },
    score: result.health.score,
    status: result.health.status,
    slipping: result.health.slipping,
    stage: result.stage,
    factors: result.health.factors,
    metrics: result.computed.metrics,
  };
}

/**
 * The workspace's competitors named in these waiting threads' inbound mail since `since`, sorted.
 * `since` is the start of the oldest open wait of the workspace, whichever threads are asked for.
 */
async function competitorsNamed(db: K, ws: Workspace, threadIds: string[], since: number, now: number): Promise<Map<string, string[]>> {
  const named = new Map<string, string[]>();
  if (threadIds.length === 0 || ws.settings.competitors.length === 0) return named;
  const match = cachedToolsFor(ws).matchCompetitors;
  const sets = new Map<string, Set<string>>();
  for (const m of await listInboundInThreads(db, ws.id, threadIds, since, now)) {
    const found = match([m.subject, m.body ?? m.excerpt].filter(Boolean).join('\n'));
    if (found.length === 0) continue;
    const set = sets.get(m.thread_id) ?? new Set<string>();
    for (const name of found) set.add(name);
    sets.set(m.thread_id, set);
  }
  for (const [thread, set] of sets) named.set(thread, [...set].sort());
  return named;
}

export interface OpenWaitPage {
  /** Every open wait's count: one per (wait, sender). */
  total: number;
  /** The `limit` oldest of them (all without a limit), oldest first. */
  waits: OpenWait[];
}

/**
 * The oldest open waits (SPEC §4.1) of the last 90 days at `now` and how many there are. Only
 * threads whose latest mail is inbound are walked, and only the waits returned are looked up
 * (names, addresses, subjects, competitors): the first page of a large workspace costs little.
 */
export async function listOpenWaitPage(db: K, ws: Workspace, now: number, limit?: number): Promise<OpenWaitPage> {
  const since = now - RESPONSIVENESS_WINDOW_DAYS * DAY_MS;
  const rows = await listOpenWaitThreadMessages(db, ws.id, since, now);
  const open = walkThreads(rows, ws.settings.nudge_gap_s * 1000).filter((w) => w.repliedAt === null && w.start >= since && w.start < now);
  const all = open.flatMap((w) => w.senders.map((sender) => ({ wait: w, since: toIso(w.start), contact: { id: sender }, thread_id: w.threadId }))).sort(compareOpenWaits);
  const page = limit === undefined ? all : all.slice(0, limit);
  const contactIds = [...new Set(page.map((e) => e.contact.id))];
  const names = new Map<string, string>();
  for (let i = 0; i < contactIds.length; i += 500) {
    for (const c of await listHealthContacts(db, ws.id, { ids: contactIds.slice(i, i + 500) })) names.set(c.id, c.name);
  }
  const emails = new Map<string, string>();
  for (let i = 0; i < contactIds.length; i += 500) {
    for (const [k, v] of await contactSummaries(db, ws, contactIds.slice(i, i + 500))) emails.set(k, v);
  }
  const threadIds = [...new Set(page.map((e) => e.thread_id))];
  const subjects = new Map<string, string | null>();
  for (let i = 0; i < threadIds.length; i += 500) {
    const chunk = threadIds.slice(i, i + 500);
    for (const t of await listThreadSubjects(db, ws.id, chunk.filter((t) => !t.startsWith('ix_')))) subjects.set(t.id, t.subject);
    for (const t of await listInteractionSubjects(db, ws.id, chunk.filter((t) => t.startsWith('ix_')))) subjects.set(t.id, t.subject);
  }
  const oldest = open.reduce((min, w) => Math.min(min, w.start), Number.POSITIVE_INFINITY);
  const named = await competitorsNamed(db, ws, threadIds, oldest, now);
  const { clock } = cachedToolsFor(ws);
  const waits = page.map(({ wait: w, since, contact: { id: sender } }): OpenWait => ({
    contact: { id: sender, name: names.get(sender) ?? sender, email: emails.get(sender) ?? null },
    thread_id: w.threadId,
    subject: subjects.get(w.threadId) ?? null,
    since,
    wait_s: (now - w.start) / 1000,
    wait_business_s: clock.seconds(w.start, now),
    nudges: w.nudges.length,
    competitors: named.get(w.threadId) ?? [],
  }));
  return { total: all.length, waits };
}

/**
 * The Waiting page's rows: the oldest open waits, each with its contact's health as of the last
 * rescore, so that the page shows health without asking for it row by row.
 */
export async function listWaitingPage(db: K, ws: Workspace, now: number, limit?: number): Promise<{ total: number; waits: WaitingRow[] }> {
  const { total, waits } = await listOpenWaitPage(db, ws, now, limit);
  const contactIds = [...new Set(waits.map((w) => w.contact.id))];
  const health = new Map<string, ContactHealthSummary>();
  for (let i = 0; i < contactIds.length; i += 500) {
    for (const h of await listStoredHealth(db, ws.id, contactIds.slice(i, i + 500))) {
      health.set(h.contact_id, { score: h.score, status: h.status as HealthStatus | null, slipping: h.slipping === 1 });
    }
  }
  return { total, waits: waits.map((w) => ({ ...w, health: health.get(w.contact.id) ?? null })) };
}

/** Every open wait (SPEC §4.1) of the last 90 days at `now`, oldest first, with the competitors its thread named. */
export async function listOpenWaits(db: K, ws: Workspace, now: number): Promise<OpenWait[]> {
  return (await listOpenWaitPage(db, ws, now)).waits;
}
