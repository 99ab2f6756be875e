/**
 * `rapport demo`: a workspace with realistic, deterministic histories. The same seed and `now`
 * give the same rows on SQLite and PostgreSQL: every random draw comes from a seeded stream,
 * every id from a seeded generator, every time from `now`. It scales to 100,000 contacts and
 * millions of interactions by generating chunks of contacts while the previous ones are
 * written with bulk inserts (demo.repo.ts), then refreshing planner statistics and scoring
 * every contact. Benchmarks call `generateDemo`; its signature is a contract.
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../db/database.js';
import { ValidationError } from '../errors.js';
import { pastSnapshotInstants, recordPastSnapshots } from '../health/health.history.js';
import { rescoreWorkspace } from '../health/health.service.js';
import { seededIdGenerator, type IdGenerator } from '../shared/ids.js';
import { loadSuggestionDeps } from '../suggestions/suggestions.deps.js';
import { ensureSuggestionsFresh } from '../suggestions/suggestions.service.js';
import { DAY_MS } from '../shared/time.js';
import { normalizeSubject } from '../text/index.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { createWorkspace, updateWorkspaceSettings } from '../workspaces/workspaces.service.js';
import { analyzeTemplates } from './analysis.js';
import { wholeSeconds } from './clock.js';
import { addContactRows, type ContactRowsContext } from './contact-rows.js';
import { KNOWLEDGE_ITEMS } from './demo.data.js';
import {
  analyzeDemoTables,
  bulkLoadSqlite,
  emptyDemoRows,
  insertDemoRows,
  isWithoutInteractions,
  withBulkLoadCache,
  writeDemoRows,
  type DemoRows,
} from './demo.repo.js';
import type { KnowledgeRef } from './history.js';
import { OWN_ADDRESS, OWN_DOMAIN } from './mail-writer.js';
import { PeoplePlanner, planCompanies, type Company } from './people.js';
import { forkRandom } from './random.js';
import { DEMO_EPOCH, demoShift, shiftDemoRows } from './shift.js';

export const DEMO_COMPETITORS = ['Globex', 'Initech'];
export const MAX_DEMO_CONTACTS = 1_000_000;
/**
 * Contacts per chunk (about 50 interactions each) and how many chunk transactions may be in
 * flight. PostgreSQL commits two side by side (one server process each) while the next chunk
 * is generated, which bounds memory to three chunks of rows. SQLite writes synchronously, so
 * small chunks only keep memory flat.
 */
const CHUNKS = { sqlite: { contacts: 100, writers: 1 }, postgres: { contacts: 500, writers: 2 } } as const;

export interface DemoOptions {
  contacts: number;
  seed: number;
  now: number;
  slug?: string;
  onProgress?: (done: number, total: number) => void;
}

function validate(options: DemoOptions): void {
  if (!Number.isInteger(options.contacts) || options.contacts < 1 || options.contacts > MAX_DEMO_CONTACTS) {
    throw new ValidationError(`--contacts: expected a whole number from 1 to ${MAX_DEMO_CONTACTS}, got ${options.contacts}`);
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new ValidationError(`--seed: expected a whole number from 0 to 4294967295, got ${options.seed}`);
  }
  if (!Number.isFinite(options.now)) throw new ValidationError('now: not a valid instant');
}

/** FNV-1a: a stable 32-bit hash of the slug, so that demo workspaces of one seed get distinct ids. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Creates the demo workspace, fills it and scores its contacts. Calls `onProgress(done, total)`
 * on one scale: contacts written (0…N), then contacts scored (N…2N).
 * @throws validation (bad count or seed), conflict (the slug is taken).
 */
export async function generateDemo(
  db: Db,
  options: {
    contacts: number;
    seed: number;
    now: number;
    /** False: generate as of the demo's fixed epoch, moved by whole weeks to just before `now` (same seed, same data whenever it runs). */
    isNowExact?: boolean;
    slug?: string;
    onProgress?: (done: number, total: number) => void;
    /** Also score the past year (weekly, then monthly) into snapshots, so trends show on first sight. */
    history?: boolean;
  },
): Promise<{ workspace: Workspace; contacts: number; interactions: number; seconds: number }> {
  validate(options);
  const started = performance.now();
  const { seed, contacts: total } = options;
  const now = wholeSeconds(options.now);
  const isNowExact = options.isNowExact ?? true;
  // The data is generated as of `at` and written `shift` later.
  const at = isNowExact ? now : DEMO_EPOCH;
  const shift = isNowExact ? 0 : demoShift(now);
  const slug = options.slug ?? 'demo';
  const ids = seededIdGenerator(seed, at);
  // Workspace ids are global keys: mix the slug in so two demos of one seed can live side by side.
  const wsIds = seededIdGenerator(seed, at - (hash32(slug) % 0x1000000));
  let workspace = await createWorkspace(
    db.kysely,
    { name: 'Demo', slug, me: [OWN_ADDRESS, `@${OWN_DOMAIN}`], time_zone: 'Europe/London' },
    now,
    wsIds,
  );
  workspace = await updateWorkspaceSettings(db.kysely, workspace, { competitors: DEMO_COMPETITORS }, now);
  const history = options.history ?? false;
  const progressTotal = total * (history ? 3 : 2);
  const ctx = seedRows(workspace.id, seed, total, at, ids);
  shiftDemoRows(ctx.rows, shift);
  const planner = new PeoplePlanner(ctx.companies, at);
  let written = 0;
  /** Generates the rows of contacts [start, end) (each from its own random stream, in order). */
  const generate = (start: number, end: number) => {
    let count = 0;
    for (let index = start; index < end; index++) {
      const rng = forkRandom(seed, index);
      count += addContactRows(ctx, index, planner.plan(index, rng), rng);
    }
    const rows = shiftDemoRows(ctx.rows, shift);
    ctx.rows = emptyDemoRows();
    return { rows, count, contacts: end - start };
  };
  const report = (contacts: number) => {
    written += contacts;
    options.onProgress?.(written, progressTotal);
  };
  const interactions = await withBulkLoadCache(db, async () => {
    if (db.sqlite && (await isWithoutInteractions(db.kysely))) {
      // A fresh SQLite database: the whole demo in one transaction, some indexes rebuilt at the end.
      return bulkLoadSqlite(db, async (trx) => {
        await insertDemoRows(trx, db, ctx.rows);
        ctx.rows = emptyDemoRows();
        return writeChunks(total, CHUNKS.sqlite.contacts, 1, generate, (rows) => insertDemoRows(trx, db, rows), report);
      });
    }
    // Companies and knowledge items are parents of every chunk's rows: committed before any chunk.
    await writeDemoRows(db, ctx.rows);
    ctx.rows = emptyDemoRows();
    const { contacts: chunk, writers } = CHUNKS[db.dialect];
    return writeChunks(total, chunk, writers, generate, (rows) => writeDemoRows(db, rows), report);
  });

  await analyzeDemoTables(db.kysely, db.dialect);
  // Score every contact now, so that the demo opens with health and statuses filled in.
  await rescoreWorkspace(db, workspace, now, (done, of) => {
    options.onProgress?.(total + Math.round((done / Math.max(1, of)) * total), progressTotal);
  });
  if (history) {
    await recordPastSnapshots(db, workspace, pastSnapshotInstants(now), (done, of) => {
      options.onProgress?.(2 * total + Math.round((done / Math.max(1, of)) * total), progressTotal);
    });
  }
  // And make the day's Today, so that the first look at it does not wait for the engine.
  await ensureSuggestionsFresh(db.kysely, workspace, now, loadSuggestionDeps);
  return { workspace, contacts: total, interactions, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

/** Whether a demo of this size scores its past year unless told: 22 scorings of 100,000 contacts take many minutes. */
export function isHistoryByDefault(contacts: number): boolean {
  return contacts <= 2000;
}

/**
 * Generates and writes `total` contacts in chunks; up to `writers` writes stay in flight while
 * the next chunk is generated (PostgreSQL works in its own processes meanwhile; SQLite writes
 * synchronously). Returns the number of interactions.
 */
async function writeChunks(
  total: number,
  chunk: number,
  writers: number,
  generate: (start: number, end: number) => { rows: DemoRows; count: number; contacts: number },
  write: (rows: DemoRows) => Promise<void>,
  report: (contacts: number) => void,
): Promise<number> {
  // Writes in flight, oldest first.
  const writing: Promise<void>[] = [];
  let count = 0;
  try {
    for (let start = 0; start < total; start += chunk) {
      const batch = generate(start, Math.min(total, start + chunk));
      count += batch.count;
      if (writing.length >= writers) await writing.shift();
      const done = write(batch.rows).then(() => report(batch.contacts));
      // A failed write is reported when awaited; until then it must not count as unhandled.
      done.catch(() => undefined);
      writing.push(done);
    }
    await Promise.all(writing);
  } catch (error) {
    // Let the other writes finish before the caller ends the transaction or closes connections.
    await Promise.allSettled(writing);
    throw error;
  }
  return count;
}

/** The context every contact is written with, and the rows every contact refers to: companies and knowledge items. */
function seedRows(wsId: string, seed: number, total: number, now: number, ids: IdGenerator): ContactRowsContext & { companies: Company[] } {
  const rows = emptyDemoRows();
  const companies = planCompanies(seed, total);
  const companyIds = companies.map((c) => {
    const id = ids('co');
    rows.companies.push({ workspace_id: wsId, id, name: c.name, name_key: c.name.toLowerCase(), domain: c.domain, created_at: now - 800 * DAY_MS });
    return id;
  });
  const knowledge: KnowledgeRef[] = KNOWLEDGE_ITEMS.map((item) => {
    const id = ids('kn');
    const url = `https://${OWN_DOMAIN}/kb/${item.slug}`;
    rows.knowledge_items.push({
      workspace_id: wsId, id, title: item.title, url, topics: JSON.stringify(item.topics),
      body: `${item.title}: our notes, in five minutes of reading.`, created_at: now - 800 * DAY_MS,
    });
    return { id, url, topics: item.topics };
  });
  const analyses = analyzeTemplates({ competitors: DEMO_COMPETITORS, knowledgeUrls: knowledge.map((k) => k.url) });
  return { wsId, now, ids, analyses, normalizeSubject, rows, competitors: DEMO_COMPETITORS, knowledge, companyIds, companies };
}
