/**
 * Imports one mail source (SPEC §3): raw messages stream from the source, are parsed in worker
 * threads, and are written in batches, each batch in one transaction together with the
 * source's progress. A run killed at any point resumes after the last committed batch; as a
 * message's identity is unique per workspace, overlap could not duplicate anything anyway.
 * Throughput: messages already stored are recognised by their Message-ID before parsing; on
 * SQLite the batch's writes and threading queries are cached prepared statements
 * (mail-import.sqlite.ts), on PostgreSQL array queries (mail-import.repo.ts).
 */
import { availableParallelism } from 'node:os';
import type { Db } from '../../db/database.js';
import type { InteractionRow } from '../../interactions/interactions.repo.js';
import { newId, type IdGenerator } from '../../shared/ids.js';
import { readJson } from '../../shared/json.js';
import type { Workspace } from '../../workspaces/workspaces.schema.js';
import { emptySummary, MAX_REPORTED_ERRORS, type ImportProgress, type ImportSummary } from '../import.types.js';
import {
  countThreadsOfSource,
  findImportRow,
  listKnowledgeUrls,
  postgresMailStore,
  saveImportProgress,
  upsertImportRow,
  type MailRows,
  type MailStore,
} from './mail-import.repo.js';
import { sqliteMailStore } from './mail-import.sqlite.js';
import { quickIdentity, type ParseContext, type ParseOutcome, type ParsedMail } from './parse-message.js';
import { createInlineParser, createWorkerParser, type MailParser } from './parser-pool.js';
import type { MailSource, SourceItem } from './sources.js';
import { threadPending } from './threading.js';
import { applyNewsletterMail } from '../../newsletter/bounces.service.js';
import { isOwnIssue } from '../../newsletter/inbound.js';

export interface MailImportOptions {
  /**
   * Parser threads: 0 parses on the main thread. Default, for sources big enough to gain from
   * threads: one, and a second (see defaultWorkers) once parsing turns out to be the bottleneck.
   */
  workers?: number;
  /** Mailing-list mail counts in metrics (default: the workspace's include_lists). */
  includeLists?: boolean;
  /** Messages per transaction (default BATCH_SIZE). */
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  ids?: IdGenerator;
}

export interface MailImportResult extends ImportSummary {
  /** Contacts that gained interactions: their health needs recomputing. Null: more than MAX_LISTED_CONTACTS. */
  contactIds: string[] | null;
}

/**
 * Beyond this many touched contacts the import stops listing them (memory stays flat) and the
 * whole workspace is rescored: by list health costs ~6 ms a contact, a rescore ~0.25 ms, so
 * past 20,000 the rescore is the cheaper one for any workspace under ~500,000 contacts.
 */
export const MAX_LISTED_CONTACTS = 20_000;

type Stats = Omit<ImportSummary, 'threads' | 'seconds'>;

const CHUNK = 250; // messages per parse request (and per look-up of stored identities)
// Messages per transaction. Small enough that the parsers, up to MAX_IN_FLIGHT chunks ahead,
// never run dry while the writer commits: on 100,000 plain messages, 500 took 7.7-7.9 s where
// 2,000 took 9.0-9.1 s, and 5,000 (even with a bigger page cache) 10.4-10.8 s.
const BATCH_SIZE = 500;
const PROBE_EVERY = 8; // chunks per early look-up of stored messages once one found none (see dispatch)
// Parse requests queued ahead of the writer: enough that the workers keep parsing while the
// main thread writes a batch; the byte cap bounds memory when messages are large (at 16 MiB
// the peak RSS of a 1 GB mbox with attachments was 15 MiB higher, and the import no faster).
const MAX_IN_FLIGHT = 8;
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;
const WORKER_THRESHOLD_BYTES = 4 * 1024 * 1024;
const WORKER_THRESHOLD_FILES = 500;
// A second parser thread only when the writer waits for parse results more than this share of
// the time. On two cores, with one parser, plain mail (100,000 messages, 52 MiB) keeps the
// writer busy (it waits under 6% of the time), and a second parser was 8-10% slower (three
// threads on two cores slow the writer) and cost 40 MiB; mail with attachments (1 GB) leaves
// it waiting 42-49%, and a second parser from the start was 15% faster.
const GROW_WHEN_WAITING = 0.25;
const WAIT_WINDOW_MS = 500;

function addError(stats: Stats, where: string, reason: string) {
  stats.malformed += 1;
  if (stats.errors.length < MAX_REPORTED_ERRORS) stats.errors.push({ where, reason });
}

export async function importMailSource(
  db: Db,
  ws: Workspace,
  source: MailSource,
  now: number,
  options: MailImportOptions = {},
): Promise<MailImportResult> {
  const started = performance.now();
  const ids = options.ids ?? newId;
  const scheme = source.scheme ?? 'file';
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const k = db.kysely;
  // SQLite: prepared statements on the connection under Kysely (inside Kysely's transactions,
  // as it is the same connection); PostgreSQL: array queries on the transaction.
  const storeOf = (trx: typeof k): MailStore => (db.sqlite ? sqliteMailStore(db.sqlite, ws.id) : postgresMailStore(trx, ws.id));

  // Resume an unfinished run of the same bytes; anything else starts over (duplicates are harmless).
  const state = await findImportRow(k, ws.id, source.path);
  const resuming = !!state && state.status === 'running' && state.fingerprint === source.fingerprint;
  let stats: Stats = resuming ? { ...emptySummary(), ...readJson<Partial<Stats>>(state.stats, {}) } : { ...emptySummary() };
  delete (stats as Partial<ImportSummary>).threads;
  delete (stats as Partial<ImportSummary>).seconds;
  const importId = state?.id ?? ids('im');
  let position = resuming ? state.position : 0;
  if (!resuming) {
    await upsertImportRow(k, {
      workspace_id: ws.id,
      id: importId,
      path: source.path,
      format: source.format,
      fingerprint: source.fingerprint,
      position: 0,
      batches: 0,
      status: 'running',
      stats: JSON.stringify(stats),
      created_at: now,
      updated_at: now,
    });
  }

  const ctx: ParseContext = {
    own_addresses: ws.settings.own_addresses,
    own_domains: ws.settings.own_domains,
    include_lists: options.includeLists ?? ws.settings.include_lists,
    competitors: ws.settings.competitors,
    knowledgeUrls: await listKnowledgeUrls(k, ws.id),
  };
  const big = source.unit === 'bytes' ? source.total - position > WORKER_THRESHOLD_BYTES : source.total - position > WORKER_THRESHOLD_FILES;
  const workers = options.workers ?? (big ? 1 : 0);
  const parser: MailParser = workers > 0 ? createWorkerParser(ctx, workers, options.workers ?? defaultWorkers()) : createInlineParser(ctx);
  let touched: Set<string> | null = new Set<string>();
  const firstSeen = new Map<string, number>();

  const writeBatch = async (chunks: Parsed[]) => {
    const next: Stats = { ...stats, errors: [...stats.errors] };
    const lastChunk = chunks[chunks.length - 1]!.items;
    const last = lastChunk[lastChunk.length - 1]!.next;
    const created: string[] = [];
    const contactIdsOfBatch: string[] = [];
    const lowered = new Map<string, number>();
    await k.transaction().execute(async (trx) => {
      const store = storeOf(trx);
      const parsed: { mail: ParsedMail; file: string }[] = [];
      let knownBeforeParse = 0;
      for (const chunk of chunks) {
        next.read += chunk.items.length;
        const outcomes = JSON.parse(chunk.results) as ParseOutcome[];
        let r = 0;
        for (const [i, item] of chunk.items.entries()) {
          if (chunk.known[i]) knownBeforeParse += 1;
          else if (!item.raw) addError(next, item.where, item.skipped ?? 'not a message');
          else {
            const outcome = outcomes[r++]!;
            if (outcome.ok) parsed.push({ mail: outcome.mail, file: item.file });
            else addError(next, item.where, outcome.reason);
          }
        }
      }
      const known = await store.findKnownIdentities([...new Set(parsed.map((p) => p.mail.identity))]);
      const fresh = parsed.filter((p) => {
        if (known.has(p.mail.identity)) return false;
        known.add(p.mail.identity);
        return true;
      });
      next.duplicates += knownBeforeParse + parsed.length - fresh.length;
      next.imported += fresh.length;

      // SPEC §3.2: counterparts of non-automated mail become contacts; automated senders never.
      const people = fresh.filter((p) => !p.mail.automated && p.mail.direction !== 'internal').flatMap((p) => p.mail.counterparts);
      const { byEmail, created: newContacts } = await store.upsertContacts(people, now, ids);
      created.push(...newContacts);
      next.contacts_created += newContacts.length;

      const rows: MailRows = { interactions: [], participants: [], refs: [], tags: [], subjectKeys: [] };
      for (const { mail, file } of fresh) {
        const id = ids('ix'); // monotonic: ties in time keep the order of import
        if (mail.automated) next.automated += 1;
        rows.interactions.push(toInteractionRow(ws.id, id, mail, `${scheme}:${file}`, now));
        const seenContacts = new Set<string>();
        if (!mail.automated && mail.direction !== 'internal') {
          for (const c of mail.counterparts) {
            const contactId = byEmail.get(c.email);
            if (!contactId || seenContacts.has(contactId)) continue;
            seenContacts.add(contactId);
            rows.participants.push({ workspace_id: ws.id, interaction_id: id, contact_id: contactId, role: c.role });
            contactIdsOfBatch.push(contactId);
            lowered.set(contactId, Math.min(lowered.get(contactId) ?? Number.POSITIVE_INFINITY, mail.occurredAt));
          }
        }
        for (const ref of mail.refs) rows.refs.push({ workspace_id: ws.id, ref_message_id: ref, interaction_id: id });
        const tags = new Set<string>();
        for (const t of mail.tags) {
          if (tags.has(t.behavior)) continue;
          tags.add(t.behavior);
          rows.tags.push({ workspace_id: ws.id, interaction_id: id, behavior: t.behavior, origin: t.origin });
        }
        if (mail.subjectKey) {
          for (const counterpart of new Set(mail.counterparts.map((c) => c.email))) {
            rows.subjectKeys.push({ workspace_id: ws.id, subject_key: mail.subjectKey, counterpart, occurred_at: mail.occurredAt, interaction_id: id });
          }
        }
      }
      // Threaded before insertion, so that the new rows are written once, with their thread.
      if (rows.interactions.length > 0) await threadPending(store.threads, { nodes: rows.interactions, refs: rows.refs, keys: rows.subjectKeys }, ids);
      await store.insertRows(rows);
      // Bounces, complaints, unsubscribe mails and replies to an issue: once, with the messages that carry them.
      await applyNewsletterMail(trx, ws, fresh.map((p) => p.mail), now);

      // Relationship start: only where it can move earlier.
      const earlier = new Map<string, number>();
      for (const [contactId, at] of lowered) if ((firstSeen.get(contactId) ?? Number.POSITIVE_INFINITY) > at) earlier.set(contactId, at);
      await store.lowerFirstSeen(earlier);
      await saveImportProgress(trx, ws.id, importId, { position: last, stats: JSON.stringify(next), status: 'running', updated_at: now });
    });
    // Only once committed: a failed transaction must not leave these ahead of the database.
    stats = next;
    position = last;
    for (const [contactId, at] of lowered) firstSeen.set(contactId, Math.min(firstSeen.get(contactId) ?? Number.POSITIVE_INFINITY, at));
    if (firstSeen.size > 50_000) firstSeen.clear(); // a cache; keeps memory flat on huge imports
    if (touched) for (const c of contactIdsOfBatch) touched.add(c);
    if (touched && touched.size > MAX_LISTED_CONTACTS) touched = null;
    options.onProgress?.({ done: position, total: source.total, unit: source.unit === 'bytes' ? 'bytes' : 'messages' });
    // Another process (the server) waiting to write goes before the next batch.
    await db.yieldToWriters?.();
  };

  const restoreSqlite = db.sqlite ? tuneSqliteForImport(db.sqlite) : () => undefined;
  try {
    const inFlight: (Chunk & { bytes: number; pending: Promise<string> })[] = [];
    let bytesInFlight = 0;
    let batch: Parsed[] = [];
    let batchCount = 0;
    // Time the writer spent waiting for parse results, over windows of WAIT_WINDOW_MS from the
    // first result on (before it, the parser was starting).
    let waited = 0;
    let windowStart = Number.NaN;
    const settle = async () => {
      const head = inFlight.shift()!;
      bytesInFlight -= head.bytes;
      const asked = performance.now();
      const results = await head.pending;
      const got = performance.now();
      if (Number.isNaN(windowStart)) windowStart = got;
      else waited += got - asked;
      batch.push({ items: head.items, known: head.known, results });
      batchCount += head.items.length;
      if (batchCount >= batchSize) {
        const full = batch;
        batch = [];
        batchCount = 0;
        await writeBatch(full);
      }
      const span = performance.now() - windowStart;
      if (span >= WAIT_WINDOW_MS) {
        if (waited / span > GROW_WHEN_WAITING) parser.grow();
        waited = 0;
        windowStart = performance.now();
      }
    };
    // Messages already stored (by their Message-ID header) are counted as duplicates without
    // being parsed: a re-import analyses nothing. The rest are parsed and checked again
    // (messages without Message-ID, duplicates within the file) when their batch is written,
    // so the early check may skip chunks, and it costs 7% of the writer's time on a new mailbox:
    // after a chunk where it found nothing stored, it runs on one chunk in PROBE_EVERY only,
    // until it finds some again.
    let sinceProbe = 0;
    let probing = false;
    const dispatch = async (items: SourceItem[]) => {
      let known: boolean[] = items.map(() => false);
      if (!probing || ++sinceProbe >= PROBE_EVERY) {
        sinceProbe = 0;
        const guesses = items.map((i) => (i.raw ? quickIdentity(i.raw) : null));
        const candidates = [...new Set(guesses.filter((g): g is string => g !== null))];
        const stored = candidates.length > 0 ? await storeOf(k).findKnownIdentities(candidates) : new Set<string>();
        known = guesses.map((g) => g !== null && stored.has(g));
        probing = stored.size === 0;
      }
      const raws = items.filter((i, n) => i.raw && !known[n]).map((i) => ({ raw: i.raw!, fallback: i.fallback }));
      const bytes = raws.reduce((sum, r) => sum + r.raw.byteLength, 0);
      const pending = raws.length > 0 ? parser.parse(raws) : Promise.resolve('[]');
      pending.catch(() => undefined); // awaited in order by settle(); avoid an unhandled rejection meanwhile
      // The queue keeps no message bytes: EMPTY marks the items sent to the parser.
      for (const [n, i] of items.entries()) i.raw = i.raw && !known[n] ? EMPTY : null;
      inFlight.push({ items, known, bytes, pending });
      bytesInFlight += bytes;
    };
    let chunk: SourceItem[] = [];
    for await (const item of source.items(position, stats.read)) {
      chunk.push(item);
      if (chunk.length < CHUNK) continue;
      await dispatch(chunk);
      chunk = [];
      while (inFlight.length >= MAX_IN_FLIGHT || bytesInFlight > MAX_IN_FLIGHT_BYTES) await settle();
    }
    if (chunk.length > 0) await dispatch(chunk);
    while (inFlight.length > 0) await settle();
    if (batchCount > 0) await writeBatch(batch);
  } finally {
    await parser.close();
    restoreSqlite();
  }
  await k.updateTable('imports').set({ status: 'done', updated_at: now }).where('workspace_id', '=', ws.id).where('id', '=', importId).execute();

  const prefix = source.isFolder ? `${scheme}:${source.path.replace(/\/+$/, '')}/` : `${scheme}:${source.path}`;
  return {
    ...stats,
    threads: await countThreadsOfSource(k, ws.id, prefix, source.isFolder),
    seconds: Math.round((performance.now() - started) / 10) / 100,
    contactIds: touched && [...touched],
  };
}

/**
 * SQLite copies the write-ahead log into the database once it holds `wal_autocheckpoint` pages,
 * within the commit that crosses the mark: every few batches of an import paid for one. Left to
 * grow to ~100 MB, the log takes the import's pages at a lower price (pages written by several
 * batches are copied once): 100,000 messages took 7.5-7.9 s instead of 8.4-9.1 s, the final copy
 * included. Crash safety is unchanged: the log is replayed when the database next opens.
 * (`synchronous = NORMAL` was 2% faster still, but SQLite refuses to change it inside a
 * transaction, which the server may have open when an upload starts.) Returns the restorer.
 */
function tuneSqliteForImport(sqlite: NonNullable<Db['sqlite']>): () => void {
  const checkpointEvery = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  sqlite.pragma('wal_autocheckpoint = 25000');
  return () => sqlite.pragma(`wal_autocheckpoint = ${checkpointEvery}`);
}

/**
 * Parser threads at most when not asked: the main thread (reading, writing, threading) keeps one
 * core busy, so one parser per other core, at most two; more would only compete with the writer
 * for the cores and cost ~25 MiB each.
 */
function defaultWorkers(): number {
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}

// Placeholder kept in the in-flight queue instead of the (transferred) bytes.
const EMPTY = new Uint8Array(0);

/** Items of one parse request; `known`: found stored before parsing (see dispatch), so not parsed. */
interface Chunk {
  items: SourceItem[];
  known: boolean[];
}

/**
 * A chunk with its parse outcomes, one per item sent to the parser, as JSON: parsed only when
 * its batch is written, so that the objects of the messages waiting in the queue do not live
 * through (and slow down) the garbage collections of the main thread.
 */
interface Parsed extends Chunk {
  results: string;
}

function toInteractionRow(workspaceId: string, id: string, mail: ParsedMail, source: string, now: number): InteractionRow {
  return {
    workspace_id: workspaceId,
    id,
    identity: mail.identity,
    // Our own issue seen again (Sent folder, archive) is a newsletter: neither a touch nor a reply.
    kind: isOwnIssue(mail.newsletter, mail.direction) ? 'newsletter' : 'email',
    direction: mail.direction,
    occurred_at: mail.occurredAt,
    date_inferred: mail.dateInferred ? 1 : 0,
    subject: mail.subject,
    subject_key: mail.subjectKey,
    excerpt: mail.excerpt,
    body: mail.body,
    word_count: mail.wordCount,
    is_closer: mail.isCloser ? 1 : 0,
    sentiment: mail.sentiment,
    automated: mail.automated ? 1 : 0,
    source,
    from_address: mail.from.email,
    message_id: mail.messageId,
    in_reply_to: mail.inReplyTo,
    refs: JSON.stringify(mail.references.length > 0 ? mail.references : mail.refs),
    thread_id: null,
    attachments: JSON.stringify(mail.attachments),
    addresses: JSON.stringify(mail.addresses),
    created_by: null,
    created_at: now,
  };
}
