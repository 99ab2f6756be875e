/**
 * Loads what the engine reads (EngineInput) in a handful of indexed queries. Open waits come
 * from the metrics engine (health.service listOpenWaits); achievements are found here, in
 * the inbound mail of the last 14 days.
 */
import { createHash } from 'node:crypto';
import { storedTimeOrNull } from '../shared/limits.js';
import type { Kysely } from 'kysely';
import type { ContactKind, HealthStatus } from '../contacts/contacts.schema.js';
import { computeStage, relationshipStart } from '../contacts/stage.js';
import type { Database } from '../db/schema.js';
import type { FactKind } from '../facts/facts.schema.js';
import type { ContactMetrics, OpenWait } from '../metrics/metrics.types.js';
import { RESPONSIVENESS_WINDOW_DAYS } from '../metrics/responsiveness.js';
import { listContactClicks } from '../newsletter/engagement.repo.js';
import { readJson } from '../shared/json.js';
import { DAY_MS, HOUR_MS } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { CLICK_WINDOW_DAYS } from './rules/interest.js';
import type { EngineAchievement, EngineContact, EngineInput, EngineMetrics, EngineWait } from './engine.types.js';
import {
  listContactsForEngine,
  listFactsForEngine,
  listInboundTexts,
  listKnowledgeForEngine,
  listInboundInThreads,
  listOpenCommitmentsDueBefore,
  listRecentGives,
  listSharesForEngine,
} from './suggestions.repo.js';

/** What the engine needs from other domains, injected so the loader stays testable. */
export interface SuggestionDeps {
  listOpenWaits(db: Kysely<Database>, ws: Workspace, now: number): Promise<OpenWait[]>;
  /** The same waits of some contacts only (an incremental run); absent: listOpenWaits, filtered. */
  listOpenWaitsOf?(db: Kysely<Database>, ws: Workspace, now: number, contactIds: readonly string[]): Promise<OpenWait[]>;
  /** Achievements announced in inbound text, each with the rule that fired and its sentence. */
  detectAchievements(text: string, extraPatterns: string[]): { rule: string; phrase: string }[];
  competitorMentions(text: string, competitors: string[]): string[];
}

/** The settings the rules read. */
export function engineSettings(ws: Workspace): EngineInput['settings'] {
  return { time_zone: ws.settings.time_zone, honeymoon_days: ws.settings.honeymoon_days, business_day_s: businessDaySeconds(ws) };
}

function businessDaySeconds(ws: Workspace): number {
  const [sh, sm] = ws.settings.business_hours.start.split(':').map(Number) as [number, number];
  const [eh, em] = ws.settings.business_hours.end.split(':').map(Number) as [number, number];
  return Math.max(60, (eh * 60 + em - (sh * 60 + sm)) * 60);
}

function metricsOf(json: string | null): EngineMetrics | null {
  if (!json) return null;
  const m = readJson<Partial<ContactMetrics> | null>(json, null);
  if (!m) return null;
  return {
    overdue: m.overdue === true,
    days_since_last_touch: m.days_since_last_touch ?? null,
    typical_gap_days: m.typical_gap_days ?? 30,
    competitor_mentions_90d: m.competitor_mentions_90d ?? 0,
    attention_ratio: m.attention_ratio ?? null,
    gives_180d: m.gives_180d ?? 0,
    asks_180d: m.asks_180d ?? 0,
  };
}

export async function loadEngineInput(db: Kysely<Database>, ws: Workspace, now: number, deps: SuggestionDeps): Promise<EngineInput> {
  return (await loadEngineData(db, ws, now, deps)).input;
}

export interface EngineDataOptions {
  /** Only these contacts (an incremental run), with their open waits already found. */
  only?: { contacts: readonly string[]; waits: OpenWait[] };
  /** Commitments due up to 48 h after this are loaded too (the rule skips them until then). */
  horizon?: number;
}

/** A fingerprint of what the engine reads of a contact's own row and stored health. */
function contactStamp(r: Awaited<ReturnType<typeof listContactsForEngine>>[number]): string {
  return createHash('sha256')
    .update(JSON.stringify([r.name, r.kind, r.lost, r.client_since, r.first_seen_at, r.created_at, r.keep_in_touch_days, r.email, r.score, r.status, r.slipping, r.last_touch_at, r.metrics]))
    .digest('base64url')
    .slice(0, 22);
}

/** Stamps of these contacts' rows as they are now (see contactStamp). */
export async function readContactStamps(db: Kysely<Database>, ws: Workspace, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += SUBSET_CHUNK) {
    for (const r of await listContactsForEngine(db, ws.id, ids.slice(i, i + SUBSET_CHUNK))) out.set(r.id, contactStamp(r));
  }
  return out;
}

const SUBSET_CHUNK = 500;

/** Runs a loader over chunks of the subset (bound parameters are limited), or once for the workspace. */
async function loadFor<T>(ids: readonly string[] | undefined, load: (chunk?: readonly string[]) => Promise<T[]>): Promise<T[]> {
  if (!ids) return load();
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += SUBSET_CHUNK) out.push(...(await load(ids.slice(i, i + SUBSET_CHUNK))));
  return out;
}

export async function loadEngineData(
  db: Kysely<Database>,
  ws: Workspace,
  now: number,
  deps: SuggestionDeps,
  options: EngineDataOptions = {},
): Promise<{ input: EngineInput; stamps: Map<string, string> }> {
  const ids = options.only?.contacts;
  const subset = ids ? new Set(ids) : null;
  const [contactRows, factRows, commitments, knowledgeRows, shares, gives, inbound, waits, allClicks] = await Promise.all([
    loadFor(ids, (c) => listContactsForEngine(db, ws.id, c)),
    loadFor(ids, (c) => listFactsForEngine(db, ws.id, c)),
    loadFor(ids, (c) => listOpenCommitmentsDueBefore(db, ws.id, Math.max(now, options.horizon ?? now) + 48 * HOUR_MS + 1, c)),
    listKnowledgeForEngine(db, ws.id),
    loadFor(ids, (c) => listSharesForEngine(db, ws.id, c)),
    loadFor(ids, (c) => listRecentGives(db, ws.id, now, c)),
    loadFor(ids, (c) => listInboundTexts(db, ws.id, now - 14 * DAY_MS, now, c)),
    options.only ? options.only.waits : deps.listOpenWaits(db, ws, now),
    listContactClicks(db, ws.id, now - CLICK_WINDOW_DAYS * DAY_MS, now),
  ]);
  const clicks = subset ? allClicks.filter((c) => subset.has(c.contact_id)) : allClicks;
  const stamps = new Map(contactRows.map((r) => [r.id, contactStamp(r)]));

  const lastGive = new Map<string, number>();
  for (const g of gives) {
    const key = `${g.contact_id}|${g.behavior}`;
    lastGive.set(key, Math.max(lastGive.get(key) ?? 0, g.at));
  }
  const contacts: EngineContact[] = contactRows.map((r) => {
    const clientSince = storedTimeOrNull(r.client_since);
    const stageInput = { kind: r.kind as ContactKind, lost: r.lost === 1, client_since: clientSince, first_seen_at: r.first_seen_at, created_at: r.created_at };
    return {
      id: r.id,
      name: r.name,
      email: r.email,
      kind: r.kind as ContactKind,
      stage: computeStage(stageInput, ws.settings.honeymoon_days, now),
      relationship_start: relationshipStart(stageInput),
      client_since: clientSince,
      keep_in_touch_days: r.keep_in_touch_days,
      score: r.score,
      status: r.status as HealthStatus | null,
      slipping: r.slipping === 1,
      last_touch_at: r.last_touch_at,
      metrics: metricsOf(r.metrics),
      last_surprise_at: lastGive.get(`${r.id}|surprise`) ?? null,
      last_compliment_at: lastGive.get(`${r.id}|compliment`) ?? null,
      last_interest_at: lastGive.get(`${r.id}|interest`) ?? null,
    };
  });

  const achievements: EngineAchievement[] = [];
  for (const m of inbound) {
    const text = [m.subject, m.body ?? m.excerpt].filter(Boolean).join('\n');
    for (const a of deps.detectAchievements(text, ws.settings.achievement_patterns)) {
      achievements.push({ contact_id: m.contact_id, interaction_id: m.id, at: m.occurred_at, rule: a.rule, excerpt: a.phrase });
    }
  }

  const input: EngineInput = {
    settings: engineSettings(ws),
    contacts,
    waits: await enrichWaits(db, ws, now, waits, deps),
    facts: factRows.map((f) => ({ ...f, kind: f.kind as FactKind, yearly: f.yearly === 1 })),
    commitments,
    knowledge: knowledgeRows.map((k) => ({ ...k, topics: readJson<string[]>(k.topics, []) })),
    shares,
    achievements,
    newsletter_clicks: clicks,
  };
  return { input, stamps };
}

/**
 * Adds when they last wrote (for nudged waits) and which competitors the waiting thread
 * named, from the thread's inbound messages (one indexed query by thread).
 */
async function enrichWaits(db: Kysely<Database>, ws: Workspace, now: number, waits: OpenWait[], deps: SuggestionDeps): Promise<EngineWait[]> {
  const competitors = ws.settings.competitors;
  const threads = [...new Set(waits.filter((w) => w.nudges > 0 || competitors.length > 0).map((w) => w.thread_id))];
  // The waits' window, not the oldest wait: a thread's competitors must not depend on which
  // other waits were loaded with it (an incremental run loads a few contacts' waits).
  const since = now - RESPONSIVENESS_WINDOW_DAYS * DAY_MS;
  const lastIn = new Map<string, number>();
  const named = new Map<string, Set<string>>();
  for (const m of await listInboundInThreads(db, ws.id, threads, since, now)) {
    lastIn.set(m.thread_id, Math.max(lastIn.get(m.thread_id) ?? 0, m.occurred_at));
    if (competitors.length === 0) continue;
    const set = named.get(m.thread_id) ?? new Set<string>();
    for (const name of deps.competitorMentions([m.subject, m.body ?? m.excerpt].filter(Boolean).join('\n'), competitors)) set.add(name);
    named.set(m.thread_id, set);
  }
  return waits.map((w) => ({
    contact_id: w.contact.id,
    thread_id: w.thread_id,
    subject: w.subject,
    since: Date.parse(w.since),
    wait_business_s: w.wait_business_s,
    nudges: w.nudges,
    last_in_at: w.nudges > 0 ? (lastIn.get(w.thread_id) ?? null) : null,
    competitors: [...(named.get(w.thread_id) ?? [])].sort(),
  }));
}
