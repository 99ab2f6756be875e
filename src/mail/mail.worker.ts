/**
 * Keeps mail accounts current while `rapport serve` runs:
 * - per account, one connection IDLEs on INBOX (imapflow re-issues IDLE every IDLE_RESTART_MS,
 *   under the 29 minutes after which servers may drop an idle client, RFC 2177); new mail
 *   there starts a sync at once;
 * - every pollMs, every account is synced (the other folders have no IDLE); accounts added or
 *   removed are picked up within DISCOVER_MS;
 * - a lost IDLE connection is reopened with exponential backoff (up to MAX_BACKOFF_MS);
 * - one sync at a time per account: in this process a queue per account, across processes
 *   the account's lease (mail.repo.ts takeLease); a sync that finds the lease taken tries
 *   again a little later, so new mail that arrived meanwhile is not left for the next round.
 * Errors are reported to onError (they carry no password) and recorded in the folders' status.
 */
import type { ImapFlow } from 'imapflow';
import type { Db } from '../db/database.js';
import { isAppError } from '../errors.js';
import { findWorkspaceByIdOrThrow } from '../workspaces/workspaces.service.js';
import { secretsOf } from './accounts.service.js';
import { imapClient } from './connect.js';
import { listAllAccountRows, type MailAccountRow } from './mail.repo.js';
import type { MailKey } from './secret-box.js';
import { syncAccounts } from './sync.service.js';

export interface MailWorkerOptions {
  key: () => MailKey;
  now: () => number;
  onError: (error: unknown) => void;
  /** Full sync of every account (default 5 minutes). */
  pollMs?: number;
  /** Base delay before reconnecting a lost IDLE connection (default 1 s, doubled up to MAX_BACKOFF_MS). */
  backoffMs?: number;
  /**
   * Hands a sync to the job queue instead of running it here (rapport worker): the queue runs
   * one sync per account at a time across processes.
   */
  enqueueSync?: (row: MailAccountRow) => Promise<void>;
  /** Called after each sync (tests wait on it). */
  onSynced?: (accountId: string) => void;
}

const IDLE_RESTART_MS = 25 * 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const LEASE_RETRY_MS = 5_000;
const DISCOVER_MS = 30_000;

interface Watcher {
  row: MailAccountRow;
  client: ImapFlow | null;
  running: Promise<void> | null;
  again: boolean;
  delay: number;
  timer: NodeJS.Timeout | null;
  stopped: boolean;
  /** When the last full sync started (the IDLE connection's own syncs do not count). */
  lastFull: number;
}

/** Starts keeping every account of every workspace current; returns the stopper. */
export function startMailWorker(db: Db, options: MailWorkerOptions): () => Promise<void> {
  const watchers = new Map<string, Watcher>();
  const baseBackoff = options.backoffMs ?? 1000;
  const pollMs = options.pollMs ?? 5 * 60_000;
  let stopped = false;

  const sync = (w: Watcher): Promise<void> => {
    if (w.running) {
      w.again = true;
      return w.running;
    }
    w.running = (async () => {
      do {
        w.again = false;
        try {
          if (options.enqueueSync) {
            await options.enqueueSync(w.row);
          } else {
            const ws = await findWorkspaceByIdOrThrow(db.kysely, w.row.workspace_id);
            await syncAccounts(db, ws, options.key(), options.now(), w.row.id);
          }
          options.onSynced?.(w.row.id);
        } catch (error) {
          if (isAppError(error) && error.code === 'conflict') {
            if (!w.stopped) setTimeout(() => void sync(w), LEASE_RETRY_MS).unref();
          } else if (!(isAppError(error) && error.code === 'not_found')) options.onError(error);
        }
      } while (w.again && !w.stopped && !stopped);
    })().finally(() => {
      w.running = null;
    });
    return w.running;
  };

  const watch = async (w: Watcher) => {
    if (w.stopped || stopped) return;
    let client: ImapFlow;
    try {
      const secrets = secretsOf(w.row, options.key());
      client = imapClient(secrets.imap, secrets.password, { idle: true, maxIdleTime: IDLE_RESTART_MS });
      w.client = client;
      client.on('exists', () => void sync(w));
      client.on('close', () => {
        if (w.client !== client || w.stopped || stopped) return;
        w.client = null;
        reconnect(w);
      });
      await client.connect();
      await client.mailboxOpen('INBOX', { readOnly: true });
      w.delay = baseBackoff;
      // Mail that came while the connection was down.
      void sync(w);
    } catch (error) {
      options.onError(error);
      if (w.client) {
        const c = w.client;
        w.client = null;
        c.close();
      }
      reconnect(w);
    }
  };

  const reconnect = (w: Watcher) => {
    if (w.stopped || stopped || w.timer) return;
    w.timer = setTimeout(() => {
      w.timer = null;
      void watch(w);
    }, w.delay);
    w.timer.unref();
    w.delay = Math.min(w.delay * 2, MAX_BACKOFF_MS);
  };

  const stopWatcher = async (w: Watcher) => {
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    const c = w.client;
    w.client = null;
    if (c) await c.logout().catch(() => c.close());
    await w.running;
  };

  const round = async () => {
    try {
      const rows = await listAllAccountRows(db.kysely);
      const ids = new Set(rows.map((r) => `${r.workspace_id}/${r.id}`));
      for (const [id, w] of watchers) {
        if (!ids.has(id)) {
          watchers.delete(id);
          await stopWatcher(w);
        }
      }
      for (const row of rows) {
        const id = `${row.workspace_id}/${row.id}`;
        const known = watchers.get(id);
        if (known) {
          known.row = row;
          if (Date.now() - known.lastFull >= pollMs) {
            known.lastFull = Date.now();
            void sync(known);
          }
          continue;
        }
        // A new account: watch() syncs it once connected.
        const w: Watcher = { row, client: null, running: null, again: false, delay: baseBackoff, timer: null, stopped: false, lastFull: Date.now() };
        watchers.set(id, w);
        void watch(w);
      }
    } catch (error) {
      options.onError(error);
    }
  };

  void round();
  const interval = setInterval(() => void round(), Math.min(DISCOVER_MS, pollMs));
  interval.unref();
  return async () => {
    stopped = true;
    clearInterval(interval);
    await Promise.all([...watchers.values()].map(stopWatcher));
  };
}
