/**
 * The open waits of some contacts, for an incremental run: the same waits (SPEC §4.1) that
 * the metrics engine's listOpenWaits finds for the whole workspace, found from the threads in
 * which these contacts sent mail in the window instead of from every recent thread. A wait
 * is attributed to the senders of the message that started it, and that message is in the
 * window, so those threads hold all of their waits.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { compareOpenWaits, walkThreads } from '../health/health.compute.js';
import { listInteractionSubjects, listThreadMessages, listThreadSubjects, threadMessages, type ThreadMessageRow } from '../health/health.repo.js';
import { makeBusinessClock } from '../metrics/business-time.js';
import type { OpenWait } from '../metrics/metrics.types.js';
import { RESPONSIVENESS_WINDOW_DAYS } from '../metrics/responsiveness.js';
import { DAY_MS, toIso } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { listSentThreadsOf } from './suggestions.repo.js';

const CHUNK = 500;

export async function listOpenWaitsOf(db: Kysely<Database>, ws: Workspace, now: number, contactIds: readonly string[]): Promise<OpenWait[]> {
  const since = now - RESPONSIVENESS_WINDOW_DAYS * DAY_MS;
  const threaded = new Set<string>();
  const loose = new Set<string>();
  for (let i = 0; i < contactIds.length; i += CHUNK) {
    for (const t of await listSentThreadsOf(db, ws.id, contactIds.slice(i, i + CHUNK), since, now)) {
      if (t.thread_id === null) loose.add(t.id);
      else threaded.add(t.thread_id);
    }
  }
  const rows: ThreadMessageRow[] = await listThreadMessages(db, ws.id, [...threaded], now);
  const looseIds = [...loose];
  for (let i = 0; i < looseIds.length; i += CHUNK) {
    const found = await threadMessages(db, ws.id, now).where('i.id', 'in', looseIds.slice(i, i + CHUNK)).execute();
    for (const m of found) rows.push({ ...(m as ThreadMessageRow), thread_id: m.id });
  }
  const open = walkThreads(rows, ws.settings.nudge_gap_s * 1000).filter((w) => w.repliedAt === null && w.start >= since && w.start < now);
  const threadIds = [...new Set(open.map((w) => w.threadId))];
  const subjects = new Map<string, string | null>();
  for (let i = 0; i < threadIds.length; i += CHUNK) {
    const chunk = threadIds.slice(i, i + CHUNK);
    for (const t of await listThreadSubjects(db, ws.id, chunk.filter((t) => !t.startsWith('ix_')))) subjects.set(t.id, t.subject);
    for (const t of await listInteractionSubjects(db, ws.id, chunk.filter((t) => t.startsWith('ix_')))) subjects.set(t.id, t.subject);
  }
  const clock = makeBusinessClock(ws.settings.time_zone, ws.settings.business_hours);
  // The engine reads the contact's id only; names, addresses and competitors come from elsewhere.
  const waits: OpenWait[] = open.flatMap((w) =>
    w.senders.map((sender) => ({
      contact: { id: sender, name: sender, email: null },
      thread_id: w.threadId,
      subject: subjects.get(w.threadId) ?? null,
      since: toIso(w.start),
      wait_s: (now - w.start) / 1000,
      wait_business_s: clock.seconds(w.start, now),
      nudges: w.nudges.length,
      competitors: [],
    })),
  );
  // listOpenWaits' order: the reply rule keeps the first of two senders of one wait.
  return waits.sort(compareOpenWaits);
}
