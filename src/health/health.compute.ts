/**
 * From loaded rows to health: groups a batch's rows per contact and per thread, walks every
 * thread once, and scores each contact. Pure apart from the rows it is given.
 */
import { DateTime } from 'luxon';
import type { ContactKind, Stage } from '../contacts/contacts.schema.js';
import { computeStage } from '../contacts/stage.js';
import type { BusinessClock } from '../metrics/business-time.js';
import { computeContactMetrics, type ComputedMetrics } from '../metrics/contact-metrics.js';
import { DAY_MS, isSenderRole, type ContactInteraction, type MetricsSettings } from '../metrics/inputs.js';
import { RESPONSIVENESS_WINDOW_DAYS } from '../metrics/responsiveness.js';
import { walkThread, type ThreadMessage, type Wait } from '../metrics/waits.js';
import { readJson } from '../shared/json.js';
import type { WorkspaceSettings } from '../workspaces/workspaces.schema.js';
import type { HealthContactRow, ParticipationRow, ThreadMessageRow } from './health.repo.js';
import type { NewsletterEngagement } from '../newsletter/engagement.js';
import { scoreHealth, type HealthScore } from './score.js';

export interface BatchRows {
  contacts: HealthContactRow[];
  participations: ParticipationRow[];
  /** The messages of the threads named by threadsToWalk(participations). */
  threadMessages: ThreadMessageRow[];
  snapshots: { contact_id: string; score: number | null }[];
  /** Newsletter opens and clicks of the batch's contacts in the last 90 days (absent: none). */
  newsletter?: Map<string, NewsletterEngagement>;
}

export interface ContactResult {
  contact: HealthContactRow;
  computed: ComputedMetrics;
  health: HealthScore;
  stage: Stage;
}

/** The calendar day of `now` in the workspace's zone: snapshots are kept per local day. */
export function localDay(now: number, zone: string): string {
  return DateTime.fromMillis(now, { zone }).toISODate() as string;
}

/** Groups thread rows into messages (an unthreaded email comes once per sender), walks each thread once. */
export function walkThreads(rows: readonly ThreadMessageRow[], nudgeGapMs: number): Wait[] {
  const threads = new Map<string, Map<string, ThreadMessage>>();
  for (const r of rows) {
    let thread = threads.get(r.thread_id);
    if (!thread) {
      thread = new Map();
      threads.set(r.thread_id, thread);
    }
    let m = thread.get(r.id);
    if (!m) {
      m = { id: r.id, at: r.occurred_at, direction: r.direction as 'in' | 'out', isCloser: r.is_closer === 1, senders: [] };
      thread.set(r.id, m);
    }
    if (r.senders !== null) for (const s of r.senders.split(',')) if (!m.senders.includes(s)) m.senders.push(s);
  }
  const waits: Wait[] = [];
  for (const [id, messages] of threads) waits.push(...walkThread(id, [...messages.values()], nudgeGapMs));
  return waits;
}

/** What orders open waits: their start (ISO), the contact, the thread. */
export interface OpenWaitKey {
  since: string;
  contact: { id: string };
  thread_id: string;
}

/**
 * Open waits' order: oldest first, then by contact id (the reply rule keeps the first of two
 * senders of one wait), then by thread, so that one contact's waits of the same instant come
 * out in the same order however the threads were read.
 */
export function compareOpenWaits(a: OpenWaitKey, b: OpenWaitKey): number {
  if (a.since !== b.since) return a.since < b.since ? -1 : 1;
  if (a.contact.id !== b.contact.id) return a.contact.id < b.contact.id ? -1 : 1;
  return a.thread_id < b.thread_id ? -1 : a.thread_id > b.thread_id ? 1 : 0;
}

/**
 * The threads whose walk can change these contacts' responsiveness: those where one of them
 * sent an inbound email in the window. Responsiveness counts only waits that started in the
 * window, and such a wait (or a nudge in it) of contact C is an inbound email of C at or after
 * the window's start; older threads hold only older waits.
 */
export function threadsToWalk(participations: readonly ParticipationRow[], now: number): string[] {
  const since = now - RESPONSIVENESS_WINDOW_DAYS * DAY_MS;
  const ids = new Set<string>();
  for (const p of participations) {
    if (p.thread_id !== null && p.kind === 'email' && p.direction === 'in' && p.automated === 0 && p.occurred_at >= since && isSenderRole(p.role)) {
      ids.add(p.thread_id);
    }
  }
  return [...ids];
}

// Shared by every interaction whose tags were not read (nothing mutates a tag list).
const NO_TAGS: string[] = [];

export function computeBatch(rows: BatchRows, settings: WorkspaceSettings, clock: BusinessClock, now: number, matchCompetitors: (t: string) => string[]): ContactResult[] {
  const interactions = new Map<string, ContactInteraction[]>();
  // Emails without a thread are threads of their own.
  const loose: ThreadMessageRow[] = [];
  for (const p of rows.participations) {
    const item: ContactInteraction = {
      id: p.id,
      kind: p.kind,
      direction: p.direction,
      at: p.occurred_at,
      automated: p.automated === 1,
      role: p.role,
      sentiment: p.sentiment,
      text: p.text,
      tags: p.behaviors === null ? NO_TAGS : p.behaviors.split(','),
    };
    const list = interactions.get(p.contact_id);
    if (list) list.push(item);
    else interactions.set(p.contact_id, [item]);
    if (p.thread_id === null && p.kind === 'email' && p.automated === 0 && (p.direction === 'in' || p.direction === 'out')) {
      loose.push({ id: p.id, thread_id: `ix:${p.id}`, direction: p.direction, occurred_at: p.occurred_at, is_closer: p.is_closer,
        senders: p.direction === 'in' && isSenderRole(p.role) ? p.contact_id : null });
    }
  }
  const waitsOf = new Map<string, Wait[]>();
  for (const w of walkThreads([...rows.threadMessages, ...loose], settings.nudge_gap_s * 1000)) {
    const involved = new Set([...w.senders, ...w.nudges.flatMap((n) => n.senders)]);
    for (const c of involved) {
      const list = waitsOf.get(c);
      if (list) list.push(w);
      else waitsOf.set(c, [w]);
    }
  }
  const earlier = new Map<string, (number | null)[]>();
  for (const s of rows.snapshots) earlier.set(s.contact_id, [...(earlier.get(s.contact_id) ?? []), s.score]);

  const metricsSettings: MetricsSettings = settings;
  return rows.contacts.map((contact) => {
    const computed = computeContactMetrics(
      {
        now,
        contact: { id: contact.id, tags: readJson<string[]>(contact.tags, []), client_since: contact.client_since, keep_in_touch_days: contact.keep_in_touch_days },
        interactions: interactions.get(contact.id) ?? [],
        waits: waitsOf.get(contact.id) ?? [],
        settings: metricsSettings,
      },
      { clock, matchCompetitors },
    );
    // Newsletter engagement warms prospects only (kind prospect, not a client yet).
    const isProspect = contact.kind === 'prospect' && contact.client_since === null && contact.lost !== 1;
    const newsletter = isProspect ? rows.newsletter?.get(contact.id) : undefined;
    const health = scoreHealth(computed.metrics, computed.detail, settings.weights, earlier.get(contact.id) ?? [], newsletter);
    const stage = computeStage(
      {
        kind: contact.kind as ContactKind,
        lost: contact.lost === 1,
        client_since: contact.client_since,
        first_seen_at: computed.detail.attention.start,
        created_at: contact.created_at,
      },
      settings.honeymoon_days,
      now,
    );
    return { contact, computed, health, stage };
  });
}
