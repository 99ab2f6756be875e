/**
 * IMAP sync (imapflow): each folder keeps its own cursor {uidValidity, uidNext, highestModseq},
 * so that a message is never skipped because another folder moved on. Per folder:
 * - nothing to do when UIDVALIDITY and UIDNEXT are unchanged (HIGHESTMODSEQ, kept where the
 *   server has CONDSTORE, moves with flags and expunges too, which Rapport does not keep);
 * - new messages are the UIDs from the cursor on; a first sync, or one after a UIDVALIDITY
 *   change, takes the messages of the history window (SEARCH SINCE);
 * - only the Message-ID header is fetched first: messages already stored (from an archive,
 *   another folder, or before a UIDVALIDITY change) are counted as duplicates and never
 *   downloaded. The rest are downloaded in batches and go through the import pipeline
 *   (src/import/mail), which stores a message once whatever its source;
 * - the cursor advances after each committed batch, so a dropped connection or a killed
 *   process resumes where it stopped. Expunged messages need nothing: mail already imported
 *   stays in the relationship history, and UIDs are never reused within a UIDVALIDITY.
 * A lost connection is retried with backoff; a folder that still fails is recorded with its
 * error and the other folders go on.
 */
import { randomBytes } from 'node:crypto';
import type { ImapFlow, MailboxObject } from 'imapflow';
import type { Db } from '../db/database.js';
import { ConflictError } from '../errors.js';
import { refreshHealthOf } from '../import/import.service.js';
import { emptySummary, MAX_REPORTED_ERRORS, type ImportSummary } from '../import/import.types.js';
import { countThreadsOfSource } from '../import/mail/mail-import.repo.js';
import { importMailSource, MAX_LISTED_CONTACTS } from '../import/mail/mail-import.service.js';
import { quickIdentity } from '../import/mail/parse-message.js';
import type { MailSource, SourceItem } from '../import/mail/sources.js';
import { readJson } from '../shared/json.js';
import { watchWorkspace } from '../webhooks/change-events.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { secretsOf } from './accounts.service.js';
import { describeFailure, findSentFolder, imapClient, stepOfError } from './connect.js';
import {
  ensureFolderRow,
  findAccountRowOrThrow,
  findStoredIdentities,
  listAccountRows,
  releaseLease,
  takeLease,
  updateFolderRow,
  type MailAccountRow,
  type MailFolderRow,
} from './mail.repo.js';
import type { MailKey } from './secret-box.js';

export interface SyncProgress {
  account: string;
  folder: string;
  done: number;
  total: number;
}

export interface SyncOptions {
  onProgress?: (p: SyncProgress) => void;
  /** Messages downloaded and imported per batch (default 500, the import's transaction size). */
  batchSize?: number;
  /** Reconnections per folder after a lost connection (default 4). */
  retries?: number;
  /** First reconnection delay in ms, doubled each time (default 1000). */
  backoffMs?: number;
  /** How long the account's lease lasts without renewal (default 10 minutes). */
  leaseMs?: number;
  /** Called after each committed batch (tests interrupt the server there). */
  afterBatch?: (folder: string) => Promise<void> | void;
}

export interface SyncResult extends ImportSummary {
  /** Folders whose sync failed, "account/folder: reason". */
  failures: string[];
}

const DAY = 86_400_000;
const HEADER_CHUNK = 1000;

interface Run {
  db: Db;
  ws: Workspace;
  row: MailAccountRow;
  now: number;
  options: SyncOptions;
  stats: ImportSummary;
  touched: Set<string> | null;
  owner: string;
}

/** A connection error leaves the client unusable; anything else is about this folder. */
function isConnectionLoss(client: ImapFlow, error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return !client.usable || ['NoConnection', 'EConnectionClosed', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEOUT', 'CONNECT_TIMEOUT'].includes(code);
}

function addFailure(stats: ImportSummary, where: string, reason: string) {
  if (stats.errors.length < MAX_REPORTED_ERRORS) stats.errors.push({ where, reason });
}

/** The downloaded messages of one batch as a mail source of the import pipeline. */
function batchSource(row: MailAccountRow, folder: string, validity: number, messages: { uid: number; raw: Uint8Array; date: number | null }[]): MailSource {
  const first = messages[0]?.uid ?? 0;
  const last = messages[messages.length - 1]?.uid ?? 0;
  return {
    path: `${row.id}/${folder}`,
    format: 'eml',
    isFolder: true,
    fingerprint: `uids:${validity}:${first}-${last}`,
    total: messages.length,
    unit: 'messages',
    scheme: 'imap',
    async *items(position) {
      for (let i = position; i < messages.length; i++) {
        const m = messages[i]!;
        const item: SourceItem = {
          raw: m.raw,
          where: `${row.name} ${folder} UID ${m.uid}`,
          file: `${row.id}/${folder}/${validity}/${m.uid}`,
          next: i + 1,
          fallback: { fileTime: m.date ?? Date.now() },
        };
        yield item;
      }
    },
  };
}

async function syncFolder(run: Run, client: ImapFlow, folder: MailFolderRow): Promise<number> {
  const { db, ws, row, now, options } = run;
  const k = db.kysely;
  const lock = await client.getMailboxLock(folder.path, { readOnly: true });
  try {
    const box = client.mailbox as MailboxObject;
    const validity = Number(box.uidValidity);
    const modseq = box.highestModseq === undefined ? null : String(box.highestModseq);
    const sameValidity = folder.uid_validity === validity;
    const from = sameValidity ? folder.uid_next : null;
    // New mail always gets a UID from UIDNEXT on: with the same UIDVALIDITY and UIDNEXT nothing
    // is new, whatever HIGHESTMODSEQ says (a moved HIGHESTMODSEQ alone is flags or expunges,
    // which Rapport does not keep), so the SELECT is all an unchanged folder costs.
    if (from !== null && from >= box.uidNext) {
      if (modseq !== folder.highest_modseq) await updateFolderRow(k, ws.id, row.id, folder.path, { highest_modseq: modseq });
      return 0;
    }

    const found =
      from === null
        ? await client.search({ since: new Date(now - row.history_days * DAY) }, { uid: true })
        : await client.search({ uid: `${from}:*` }, { uid: true });
    // `N:*` always matches the last message, even below N.
    const uids = (found || []).filter((u) => from === null || u >= from).sort((a, b) => a - b);
    await updateFolderRow(k, ws.id, row.id, folder.path, { progress_done: 0, progress_total: uids.length });

    let read = 0;
    for (let i = 0; i < uids.length; i += HEADER_CHUNK) {
      const chunk = uids.slice(i, i + HEADER_CHUNK);
      const identities = new Map<number, string | null>();
      for await (const m of client.fetch(chunk.join(','), { uid: true, headers: ['message-id'] }, { uid: true })) {
        identities.set(m.uid, m.headers ? quickIdentity(Buffer.concat([m.headers, Buffer.from('\r\n')])) : null);
      }
      const known = await findStoredIdentities(k, ws.id, [...new Set([...identities.values()].filter((v): v is string => v !== null))]);
      const wanted = chunk.filter((u) => identities.has(u) && !known.has(identities.get(u) ?? ''));
      // Stored already: read and counted, never downloaded.
      const skipped = chunk.length - wanted.length;
      run.stats.read += skipped;
      run.stats.duplicates += skipped;
      read += skipped;

      const batchSize = options.batchSize ?? 500;
      for (let j = 0; j < wanted.length; j += batchSize) {
        const batch = wanted.slice(j, j + batchSize);
        const messages: { uid: number; raw: Uint8Array; date: number | null }[] = [];
        for await (const m of client.fetch(batch.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) {
          if (m.source) messages.push({ uid: m.uid, raw: m.source, date: m.internalDate ? new Date(m.internalDate).getTime() : null });
        }
        messages.sort((a, b) => a.uid - b.uid);
        const result = await importMailSource(db, ws, batchSource(row, folder.path, validity, messages), now, { workers: 0 });
        for (const key of ['read', 'imported', 'duplicates', 'automated', 'malformed', 'contacts_created'] as const) run.stats[key] += result[key];
        for (const e of result.errors) addFailure(run.stats, e.where, e.reason);
        if (!result.contactIds) run.touched = null;
        else if (run.touched) for (const c of result.contactIds) run.touched.add(c);
        if (run.touched && run.touched.size > MAX_LISTED_CONTACTS) run.touched = null;
        read += result.read;
        await updateFolderRow(k, ws.id, row.id, folder.path, { uid_validity: validity, uid_next: batch[batch.length - 1]! + 1, progress_done: i + skipped + j + batch.length });
        await takeLease(k, ws.id, row.id, run.owner, Date.now(), Date.now() + (options.leaseMs ?? 600_000));
        options.onProgress?.({ account: row.id, folder: folder.path, done: i + skipped + j + batch.length, total: uids.length });
        await options.afterBatch?.(folder.path);
      }
    }
    await updateFolderRow(k, ws.id, row.id, folder.path, {
      uid_validity: validity,
      uid_next: Number(box.uidNext),
      highest_modseq: modseq,
      progress_done: uids.length,
      progress_total: uids.length,
    });
    return read;
  } finally {
    lock.release();
  }
}

/** The folders to sync: the account's setting, else INBOX and the Sent folder found on the server. */
async function planFolders(client: ImapFlow, row: MailAccountRow): Promise<{ path: string; role: string }[]> {
  const list = await client.list();
  const sent = findSentFolder(list);
  const chosen = row.folders === null ? ['INBOX', ...(sent ? [sent] : [])] : readJson<string[]>(row.folders, ['INBOX']);
  return chosen.map((path) => ({ path, role: path.toUpperCase() === 'INBOX' ? 'inbox' : path === sent ? 'sent' : 'other' }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connectWithRetry(run: Run, make: () => ImapFlow): Promise<ImapFlow> {
  let delay = run.options.backoffMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    const client = make();
    try {
      await client.connect();
      return client;
    } catch (error) {
      const step = stepOfError(error);
      if (step === 'login' || step === 'dns' || step === 'tls' || attempt >= (run.options.retries ?? 4)) throw error;
      await sleep(delay);
      delay *= 2;
    }
  }
}

async function syncAccountRow(run: Run, key: MailKey): Promise<string[]> {
  const { db, ws, row } = run;
  const k = db.kysely;
  const failures: string[] = [];
  const secrets = secretsOf(row, key);
  const make = () => imapClient(secrets.imap, secrets.password);
  let client: ImapFlow = make();
  try {
    // No retry here: a server that cannot be reached now is reported now (serve tries again
    // on its next round); retries are for connections lost in the middle of a sync.
    await client.connect();
  } catch (error) {
    const message = describeFailure(stepOfError(error), secrets.imap, error);
    // Every folder known to the account failed this run: none may show as synced.
    const known = await listKnownFolders(run);
    for (const f of known) await updateFolderRow(k, ws.id, row.id, f, { last_attempt_at: Date.now(), last_error: message, last_error_at: Date.now() });
    if (known.length === 0) await ensureFolderRow(k, ws.id, row.id, 'INBOX', 'inbox').then(() => updateFolderRow(k, ws.id, row.id, 'INBOX', { last_attempt_at: Date.now(), last_error: message, last_error_at: Date.now() }));
    addFailure(run.stats, row.name, message);
    return [`${row.name}: ${message}`];
  }
  try {
    const folders = await planFolders(client, row);
    for (const plan of folders) {
      let retries = run.options.retries ?? 4;
      let delay = run.options.backoffMs ?? 1000;
      for (;;) {
        const folder = await ensureFolderRow(k, ws.id, row.id, plan.path, plan.role);
        await updateFolderRow(k, ws.id, row.id, plan.path, { last_attempt_at: Date.now() });
        try {
          const read = await syncFolder(run, client, folder);
          await updateFolderRow(k, ws.id, row.id, plan.path, { last_success_at: Date.now(), last_run_messages: read });
          break;
        } catch (thrown) {
          let error = thrown;
          if (isConnectionLoss(client, error) && retries > 0) {
            retries -= 1;
            await client.logout().catch(() => client.close());
            await sleep(delay);
            delay *= 2;
            try {
              client = await connectWithRetry(run, make);
              continue;
            } catch (reconnectError) {
              error = reconnectError;
            }
          }
          const message = (error as { responseText?: string; message?: string }).responseText ?? (error as Error).message ?? String(error);
          await updateFolderRow(k, ws.id, row.id, plan.path, { last_error: message, last_error_at: Date.now() });
          addFailure(run.stats, `${row.name} ${plan.path}`, message);
          failures.push(`${row.name}/${plan.path}: ${message}`);
          if (!client.usable) {
            try {
              client = await connectWithRetry(run, make);
            } catch {
              return failures;
            }
          }
          break;
        }
      }
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return failures;
}

async function listKnownFolders(run: Run): Promise<string[]> {
  const rows = await run.db.kysely
    .selectFrom('mail_folders')
    .select('path')
    .where('workspace_id', '=', run.ws.id)
    .where('account_id', '=', run.row.id)
    .execute();
  return rows.map((r) => r.path);
}

/**
 * Syncs one account of the workspace (or all of them): new mail of every folder goes through
 * the import pipeline; health, and the webhooks of changed statuses and new waits, follow.
 * Returns the import summary, plus the folders that failed.
 * @throws not_found (no such account), conflict (another process is syncing the account).
 */
export async function syncAccounts(db: Db, ws: Workspace, key: MailKey, now: number, accountRef?: string, options: SyncOptions = {}): Promise<SyncResult> {
  const started = performance.now();
  const k = db.kysely;
  const rows = accountRef ? [await findAccountRowOrThrow(k, ws.id, accountRef)] : await listAccountRows(k, ws.id);
  const stats = emptySummary();
  const failures: string[] = [];
  const watch = await watchWorkspace(k, ws, now, { waits: true });
  let touched: Set<string> | null = new Set<string>();
  for (const row of rows) {
    const owner = `${process.pid}:${randomBytes(6).toString('hex')}`;
    if (!(await takeLease(k, ws.id, row.id, owner, Date.now(), Date.now() + (options.leaseMs ?? 600_000)))) {
      if (accountRef) throw new ConflictError(`mail account ${row.name} is being synced by another process; try again when it is done`);
      failures.push(`${row.name}: being synced by another process`);
      continue;
    }
    const run: Run = { db, ws, row, now, options, stats, touched, owner };
    try {
      failures.push(...(await syncAccountRow(run, key)));
    } finally {
      await releaseLease(k, ws.id, row.id, owner);
    }
    touched = run.touched;
  }
  await refreshHealthOf(db, ws, touched && [...touched], now);
  await watch.finish();
  for (const row of rows) stats.threads += await countThreadsOfSource(k, ws.id, `imap:${row.id}/`, true);
  stats.seconds = Math.round((performance.now() - started) / 10) / 100;
  return { ...stats, failures };
}
