/**
 * Imports one mail source (SPEC §3): raw messages stream from the source, are parsed in worker
 * threads, and are written in batches, each batch in one transaction together with the
 * source's progress. A run killed at any point resumes after the last committed batch; as a
 * message's identity is unique per workspace, overlap could not duplicate anything anyway.
 * Throughput: messages already stored are recognised by their Message-ID before parsing; on
 * SQLite the batch's writes and threading queries are cached prepared statements
 * (mail-import.sqlite.ts), elsewhere Kysely queries (MailStore in mail-import.repo.ts).
 */
import type { Db } from '../../db/database.js';
import { upsertContacts } from '../../contacts/contacts.service.js';
import type { InteractionRow } from '../../interactions/interactions.repo.js';
import { newId, type IdGenerator } from '../../shared/ids.js';
import { readJson } from '../../shared/json.js';
import type { Workspace } from '../../workspaces/workspaces.schema.js';
import { emptySummary, MAX_REPORTED_ERRORS, type ImportProgress, type ImportSummary } from '../import.types.js';
import {
  countThreadsOfSource,
  findImportRow,
  kyselyMailStore,
  listKnowledgeUrls,
  saveImportProgress,
  upsertImportRow,
  type MailRows,
  type MailStore,
} from './mail-import.repo.js';
import { sqliteMailStore } from './mail-import.sqlite.js';
import { quickIdentity, type ParseContext, type ParseOutcome, type ParsedMail } from './parse-message.js';
import { createInlineParser, createWorkerParser, type MailParser } from './parser-pool.js';
import type { MailSource, SourceItem } from './sources.js';
import { rethread, type ThreadSeed } from './threading.js';

export interface MailImportOptions {
  /** Parser threads: 0 parses on the main thread. Default: 2 for sources big enough to gain from it. */
  workers?: number;
  /** Messages per transaction. */
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  ids?: IdGenerator;
}

export interface MailImportResult extends ImportSummary {
  /** Contacts that gained interactions: their health needs recomputing. */
  contactIds: string[];
}

type Stats = Omit<ImportSummary, 'threads' | 'seconds'>;

const CHUNK = 100; // messages per parse request
// Parse requests queued ahead of the writer: enough that the workers keep parsing while the
// main thread writes a batch; the byte cap bounds memory when messages are large.
const MAX_IN_FLIGHT = 24;
const MAX_IN_FLIGHT_BYTES = 48 * 1024 * 1024;
const WORKER_THRESHOLD_BYTES = 4 * 1024 * 1024;
const WORKER_THRESHOLD_FILES = 500;

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
  const batchSize = options.batchSize ?? 2000;
  const k = db.kysely;
  // SQLite: prepared statements on the connection under Kysely (inside Kysely's transactions,
  // as it is the same connection); PostgreSQL: Kysely queries on the transaction.
  const storeOf = (trx: typeof k): MailStore => (db.sqlite ? sqliteMailStore(db.sqlite, ws.id) : kyselyMailStore(trx, ws.id));

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
    include_lists: ws.settings.include_lists,
    competitors: ws.settings.competitors,
    knowledgeUrls: await listKnowledgeUrls(k, ws.id),
  };
  const big = source.unit === 'bytes' ? source.total - position > WORKER_THRESHOLD_BYTES : source.total - position > WORKER_THRESHOLD_FILES;
  const workers = options.workers ?? (big ? 2 : 0);
  const parser: MailParser = workers > 0 ? createWorkerParser(ctx, workers) : createInlineParser(ctx);
  const touched = new Set<string>();
  const firstSeen = new Map<string, number>();

  const writeBatch = async (entries: Entry[]) => {
    const next: Stats = { ...stats, errors: [...stats.errors] };
    const last = entries[entries.length - 1]!.item.next;
    const created: string[] = [];
    const contactIdsOfBatch: string[] = [];
    const lowered = new Map<string, number>();
    await k.transaction().execute(async (trx) => {
      const store = storeOf(trx);
      next.read += entries.length;
      const parsed: { mail: ParsedMail; file: string }[] = [];
      let knownBeforeParse = 0;
      for (const { item, outcome } of entries) {
        if (outcome === KNOWN) knownBeforeParse += 1;
        else if (outcome.ok) parsed.push({ mail: outcome.mail, file: item.file });
        else addError(next, item.where, outcome.reason);
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
      const { byEmail, created: newContacts } = await upsertContacts(trx, ws, people, now, { ids });
      created.push(...newContacts);
      next.contacts_created += newContacts.length;

      const rows: MailRows = { interactions: [], participants: [], refs: [], tags: [], subjectKeys: [] };
      for (const { mail, file } of fresh) {
        const id = ids('ix'); // monotonic: ties in time keep the order of import
        if (mail.automated) next.automated += 1;
        rows.interactions.push(toInteractionRow(ws.id, id, mail, file, now));
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
      await store.insertRows(rows);

      // Relationship start: only where it can move earlier.
      const byTime = new Map<number, string[]>();
      for (const [contactId, at] of lowered) {
        if ((firstSeen.get(contactId) ?? Number.POSITIVE_INFINITY) <= at) continue;
        const list = byTime.get(at);
        if (list) list.push(contactId);
        else byTime.set(at, [contactId]);
      }
      await store.lowerFirstSeen(byTime);

      if (rows.interactions.length > 0) {
        // The new messages' nodes, refs and subject keys are the rows just written: no need to read them back.
        const nodes = rows.interactions.map(({ id, message_id, subject, subject_key, occurred_at }) => ({ id, message_id, subject, subject_key, occurred_at, thread_id: null }));
        const seed: ThreadSeed = { nodes, refs: rows.refs, keys: rows.subjectKeys };
        await rethread(store.threads, rows.interactions.map((r) => r.id), ids, seed);
      }
      await saveImportProgress(trx, ws.id, importId, { position: last, stats: JSON.stringify(next), status: 'running', updated_at: now });
    });
    // Only once committed: a failed transaction must not leave these ahead of the database.
    stats = next;
    position = last;
    for (const [contactId, at] of lowered) firstSeen.set(contactId, Math.min(firstSeen.get(contactId) ?? Number.POSITIVE_INFINITY, at));
    if (firstSeen.size > 200_000) firstSeen.clear(); // a cache; keeps memory flat on huge imports
    for (const c of contactIdsOfBatch) touched.add(c);
    options.onProgress?.({ done: position, total: source.total, unit: source.unit === 'bytes' ? 'bytes' : 'messages' });
  };

  try {
    const inFlight: { items: SourceItem[]; known: boolean[]; bytes: number; results: Promise<ParseOutcome[]> }[] = [];
    let bytesInFlight = 0;
    let batch: Entry[] = [];
    const settle = async () => {
      const head = inFlight.shift()!;
      bytesInFlight -= head.bytes;
      const results = await head.results;
      let r = 0;
      for (const [i, item] of head.items.entries()) {
        const outcome = head.known[i] ? KNOWN : item.raw ? results[r++]! : { ok: false as const, reason: item.skipped ?? 'not a message' };
        batch.push({ item, outcome });
      }
      if (batch.length >= batchSize) {
        const full = batch;
        batch = [];
        await writeBatch(full);
      }
    };
    // Messages already stored (by their Message-ID header) are counted as duplicates without
    // being parsed: a re-import analyses nothing. The rest are parsed and checked again
    // (messages without Message-ID, duplicates within the file) when their batch is written.
    const dispatch = async (items: SourceItem[]) => {
      const guesses = items.map((i) => (i.raw ? quickIdentity(i.raw) : null));
      const candidates = [...new Set(guesses.filter((g): g is string => g !== null))];
      const stored = candidates.length > 0 ? await storeOf(k).findKnownIdentities(candidates) : new Set<string>();
      const known = guesses.map((g) => g !== null && stored.has(g));
      const raws = items.filter((i, n) => i.raw && !known[n]).map((i) => ({ raw: i.raw!, fallback: i.fallback }));
      const bytes = raws.reduce((sum, r) => sum + r.raw.byteLength, 0);
      const results = raws.length > 0 ? parser.parse(raws) : Promise.resolve([]);
      results.catch(() => undefined); // awaited in order by settle(); avoid an unhandled rejection meanwhile
      inFlight.push({ items: items.map((i, n) => ({ ...i, raw: i.raw && !known[n] ? EMPTY : null })), known, bytes, results });
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
    if (batch.length > 0) await writeBatch(batch);
  } finally {
    await parser.close();
  }
  await k.updateTable('imports').set({ status: 'done', updated_at: now }).where('workspace_id', '=', ws.id).where('id', '=', importId).execute();

  const prefix = source.isFolder ? `file:${source.path.replace(/\/+$/, '')}/` : `file:${source.path}`;
  return {
    ...stats,
    threads: await countThreadsOfSource(k, ws.id, prefix, source.isFolder),
    seconds: Math.round((performance.now() - started) / 10) / 100,
    contactIds: [...touched],
  };
}

// Placeholder kept in the in-flight queue instead of the (transferred) bytes.
const EMPTY = new Uint8Array(0);
// Outcome of a message found stored before parsing (see dispatch).
const KNOWN = Symbol('known');
type Entry = { item: SourceItem; outcome: ParseOutcome | typeof KNOWN };

function toInteractionRow(workspaceId: string, id: string, mail: ParsedMail, file: string, now: number): InteractionRow {
  return {
    workspace_id: workspaceId,
    id,
    identity: mail.identity,
    kind: 'email',
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
    source: `file:${file}`,
    from_address: mail.from.email,
    message_id: mail.messageId,
    in_reply_to: mail.inReplyTo,
    refs: JSON.stringify(mail.references.length > 0 ? mail.references : mail.refs),
    thread_id: null,
    attachments: JSON.stringify(mail.attachments),
    created_by: null,
    created_at: now,
  };
}
