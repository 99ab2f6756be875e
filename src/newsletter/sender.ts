/**
 * Sending a campaign exactly once per recipient. `startCampaignSend` writes one ledger row
 * per recipient of the segment (idempotent: a second start, or a second process, adds
 * nothing); `runCampaignSend` then works through the ledger and can be called again at any
 * time (after a crash, from another process, from a job): each row is claimed by one atomic
 * UPDATE right before its SMTP call and marked after it, so a row is handed to the server by
 * one sender at most once. A claim whose sender died becomes `uncertain` (the message may
 * have gone out) and is never resent unless the operator releases it. Transient failures
 * come back after a backoff; a 5xx is final. Free of HTTP and CLI: callers pass the SMTP
 * target and a progress callback.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { withUnsyncedCommit } from '../db/unsynced-commit.js';
import { ConflictError, UnavailableError, ValidationError } from '../errors.js';
import { toIsoOrNull } from '../shared/time.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { buildCampaignMessage, campaignMessageId, compileCampaignMime, fillCampaignMessage, publicUrlOrThrow, type MessageContext } from './campaign-message.js';
import { assertNotLate, findCampaignRowOrThrow, messageContextOf, segmentOf } from './campaigns.service.js';
import { updateCampaignRow } from './campaigns.repo.js';
import type { SendStats } from './newsletter.schema.js';
import { mergeDataFor, resolveRecipients } from './segments.js';
import {
  claimSendRows,
  countCampaignBounces,
  countCampaignEngagement,
  countSendRows,
  expireClaims,
  insertSendRows,
  listClaimHolders,
  nextAttemptAt,
  refreshLedgerStatistics,
  resolveUncertainRows,
  settleSendRows,
  skipGoneRecipients,
  type ClaimedRow,
  type SendRow,
} from './sends.repo.js';
import { SmtpLane, type SendOutcome, type SmtpTarget } from './smtp-lanes.js';

export interface SendOptions {
  smtp: SmtpTarget;
  /** Messages per second at most; 0 for no limit. */
  rate: number;
  /** SMTP connections used at once. */
  concurrency: number;
  /** This sender's name in the ledger's claims (default host:pid:random). */
  worker?: string;
  /** How long another sender's claim may stay open before it counts as stopped. */
  leaseMs?: number;
  /**
   * Claimed rows per connection (default 10). The connections claim together, one synced
   * write for all; after a crash the claimed rows without an outcome are uncertain too, and
   * there are never more of them than this times the connections.
   */
  claimBatch?: number;
  /** Attempts of a transient failure before the row is failed. */
  maxAttempts?: number;
  /** The first retry's delay; each next one doubles it. */
  retryBaseMs?: number;
  /** Called about twice a second and at the end. */
  onProgress?: (stats: SendStats) => void;
  /** Stops claiming new rows; the rows in flight are settled first. */
  signal?: AbortSignal;
  /** The clock (tests move it); default Date.now. */
  clock?: () => number;
}

const DEFAULT_LEASE_MS = 10 * 60_000;
/** Sent rows are marked in small batches: fewer writes, at the price of a few more uncertain rows after a crash. */
const FLUSH_EVERY = 50;
const FLUSH_MS = 100;

export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A claim holder that has stopped: its lease ran out, or it is a process of this host that no longer exists. */
export function isStoppedHolder(holder: { worker: string; since: number }, me: string, now: number, leaseMs: number, host = hostname()): boolean {
  if (holder.worker === me) return false;
  if (now - holder.since > leaseMs) return true;
  const [h, pid] = holder.worker.split(':');
  return h === host && /^\d+$/.test(pid ?? '') && !isProcessAlive(Number(pid));
}

/**
 * Checks the campaign can start and writes its ledger: one pending row per recipient of the
 * segment now. Starting again (or from a second process) is harmless.
 * @throws not_found, validation (no public_url, no sender), conflict (late, cancelled)
 */
export async function startCampaignSend(db: Db, ws: Workspace, campaignId: string, now: number): Promise<{ recipients: number }> {
  const campaign = await findCampaignRowOrThrow(db.kysely, ws, campaignId);
  publicUrlOrThrow(ws.settings.public_url);
  if (campaign.status === 'cancelled') throw new ConflictError(`campaign ${campaignId} was cancelled`);
  if (campaign.status === 'sending' || campaign.status === 'sent') return { recipients: (await countAll(db, ws, campaignId)) };
  assertNotLate(campaign, ws.settings.time_zone, now);
  const ctx = await messageContextOf(db.kysely, ws, campaign, publicUrlOrThrow(ws.settings.public_url), now);
  const recipients = await resolveRecipients(db.kysely, ws.id, campaign.list_id, segmentOf(campaign), now);
  let isStarted = false;
  await db.kysely.transaction().execute(async (trx) => {
    // The status change takes the campaign's row lock on PostgreSQL: a second starter waits
    // here, then finds it sending and adds no rows of a segment read a moment later.
    const moved = await trx
      .updateTable('newsletter_campaigns')
      .set({ status: 'sending', started_at: now, updated_at: now })
      .where('workspace_id', '=', ws.id)
      .where('id', '=', campaignId)
      .where('status', 'in', ['draft', 'scheduled'])
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) return;
    const rows: SendRow[] = recipients.map((r) => ({
      workspace_id: ws.id,
      campaign_id: campaignId,
      subscriber_id: r.subscriberId,
      email: r.email,
      status: 'pending',
      claimed_by: null,
      claimed_at: null,
      attempts: 0,
      next_attempt_at: null,
      message_id: campaignMessageId(campaignId, r.subscriberId, ctx.fromAddress).slice(1, -1),
      sent_at: null,
      error: null,
    }));
    await insertSendRows(trx, rows);
    isStarted = true;
  });
  if (isStarted && db.dialect === 'postgres') await refreshLedgerStatistics(db.kysely);
  return { recipients: await countAll(db, ws, campaignId) };
}

async function countAll(db: Db, ws: Workspace, campaignId: string): Promise<number> {
  const counts = await countSendRows(db.kysely, { workspaceId: ws.id, campaignId });
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * The campaign's send progress and engagement.
 * @throws not_found
 */
export async function campaignStats(db: Db, ws: Workspace, campaignId: string): Promise<SendStats> {
  const campaign = await findCampaignRowOrThrow(db.kysely, ws, campaignId);
  const key = { workspaceId: ws.id, campaignId };
  const [counts, engagement, bounces] = await Promise.all([countSendRows(db.kysely, key), countCampaignEngagement(db.kysely, key), countCampaignBounces(db.kysely, key)]);
  return {
    campaign_id: campaignId,
    status: campaign.status,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    ...counts,
    opened: engagement.open ?? 0,
    clicked: engagement.click ?? 0,
    unsubscribed: engagement.unsubscribe ?? 0,
    ...bounces,
    started_at: toIsoOrNull(campaign.started_at),
    finished_at: toIsoOrNull(campaign.finished_at),
  };
}

/**
 * Settles uncertain rows by the operator's word, for when they know (from the mail server's
 * log, say) what happened: `release` puts them back to pending so the next run sends them,
 * `asSent` records that they did go out.
 * @throws not_found
 */
export async function releaseUncertain(db: Db, ws: Workspace, campaignId: string, emails: string[] | null, options: { asSent?: boolean; now?: number } = {}): Promise<{ released: number }> {
  const campaign = await findCampaignRowOrThrow(db.kysely, ws, campaignId);
  const to = options.asSent ? 'sent' : 'pending';
  const result = await resolveUncertainRows(db.kysely, { workspaceId: ws.id, campaignId }, emails?.map((e) => e.trim().toLowerCase()) ?? null, to, options.now ?? Date.now());
  const released = Number(result.numUpdatedRows);
  if (released > 0 && to === 'pending' && campaign.status === 'sent') await updateCampaignRow(db.kysely, ws.id, campaignId, { status: 'sending', finished_at: null });
  return { released };
}

/** Spaces message starts `1000 / rate` ms apart across all lanes. */
function rateGate(rate: number, clock: () => number): () => Promise<void> {
  let next = 0;
  return async () => {
    if (rate <= 0) return;
    const now = clock();
    const at = Math.max(now, next);
    next = at + 1000 / rate;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

/**
 * Sends the campaign's pending rows until none is left (waiting for retries that fall due),
 * then marks the campaign sent. Resumable: call it again after a crash or from another
 * process; rows another live sender holds are left to it.
 * @throws not_found, validation (campaign not started, no public_url), unavailable (SMTP login refused)
 */
export async function runCampaignSend(db: Db, ws: Workspace, campaignId: string, options: SendOptions): Promise<SendStats> {
  const clock = options.clock ?? Date.now;
  const campaign = await findCampaignRowOrThrow(db.kysely, ws, campaignId);
  if (campaign.status === 'draft' || campaign.status === 'scheduled') throw new ValidationError(`campaign ${campaignId} has not started: start its send first`, [{ where: 'campaign', reason: campaign.status }]);
  const key = { workspaceId: ws.id, campaignId };
  const worker = options.worker ?? defaultWorkerName();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 60_000;
  const ctx: MessageContext = await messageContextOf(db.kysely, ws, campaign, publicUrlOrThrow(ws.settings.public_url), clock());
  const pendingIds = (await db.kysely.selectFrom('newsletter_sends').select('subscriber_id').where('workspace_id', '=', ws.id).where('campaign_id', '=', campaignId).where('status', 'in', ['pending', 'uncertain']).execute()).map((r) => r.subscriber_id);
  const mergeData = await mergeDataFor(db.kysely, ws.id, pendingIds);

  const mime = compileCampaignMime(ctx);

  // "Sent" marks are written without waiting for the disk, in small batches: the next claim's
  // synced commit makes them durable. Lost in a power cut, a row stays claimed and becomes
  // uncertain, never resent; the claim itself is synced before its message goes out.
  let sentBuffer: { id: string; at: number }[] = [];
  // Flushes run one after another, and awaiting one waits for those before it: the counts
  // read after a flush then see every sent row.
  let flushing: Promise<void> = Promise.resolve();
  const flushSent = () => {
    flushing = flushing.then(async () => {
      if (sentBuffer.length === 0) return;
      const batch = sentBuffer;
      sentBuffer = [];
      // One sent_at per batch: the batch's last message; a few ms apart at most.
      await withUnsyncedCommit(db, (w) => settleSendRows(w, key, worker, batch.map((b) => b.id), { status: 'sent', sent_at: batch.at(-1)!.at, error: null, next_attempt_at: null }));
    });
    return flushing;
  };
  const settle = async (row: ClaimedRow, outcome: SendOutcome) => {
    const now = clock();
    if (outcome.kind === 'sent') {
      sentBuffer.push({ id: row.subscriber_id, at: now });
      if (sentBuffer.length >= FLUSH_EVERY) await flushSent();
      return;
    }
    // Unsynced too: a lost write leaves the claim, which expires into uncertain.
    if (outcome.kind === 'retry' && row.attempts < maxAttempts) {
      await withUnsyncedCommit(db, (w) => settleSendRows(w, key, worker, [row.subscriber_id], { status: 'pending', error: outcome.error, next_attempt_at: now + retryBaseMs * 2 ** (row.attempts - 1) }));
      return;
    }
    await withUnsyncedCommit(db, (w) => settleSendRows(w, key, worker, [row.subscriber_id], { status: outcome.kind === 'retry' ? 'failed' : outcome.kind, error: outcome.error }));
  };

  const gate = rateGate(options.rate, clock);
  let stopError: unknown = null;
  const laneCount = Math.max(1, options.concurrency);
  const lanes = Array.from({ length: laneCount }, () => new SmtpLane(options.smtp));
  const flusher = setInterval(() => void flushSent().catch(() => undefined), FLUSH_MS);
  let lastProgress = 0;
  const progress = async (force = false) => {
    if (!options.onProgress || (!force && clock() - lastProgress < 500)) return;
    lastProgress = clock();
    options.onProgress(await campaignStats(db, ws, campaignId));
  };

  // One claim for all lanes (a synced write per batch, not per lane), refilled before the
  // lanes run dry. Claimed rows without an outcome stay within the lanes' share, as when each
  // lane claimed its own: that bounds the uncertain rows after a crash.
  const capacity = laneCount * Math.max(1, options.claimBatch ?? 10);
  // On PostgreSQL the next claim runs while the lanes send, so it starts while they still
  // have work; SQLite's claim blocks the process anyway, and there fewer, larger claims win.
  const refillAt = db.dialect === 'postgres' ? 2 * laneCount : laneCount;
  const queue: ClaimedRow[] = [];
  let outstanding = 0;
  let isDrained = false;
  let claiming: Promise<void> | null = null;
  const refill = () => {
    claiming ??= (async () => {
      try {
        // PostgreSQL may run the LIMIT subquery more than once and claim a few more rows (each
        // is sent): a lane that waits for a row then still claims one.
        const limit = capacity - outstanding;
        if (limit <= 0 && queue.length > 0) return;
        const rows = await claimSendRows(db.kysely, db.dialect, key, worker, clock(), Math.max(1, limit));
        if (rows.length === 0) isDrained = true;
        outstanding += rows.length;
        queue.push(...rows);
      } catch (error) {
        stopError ??= error;
      } finally {
        claiming = null;
      }
    })();
    return claiming;
  };
  const nextRow = async (): Promise<ClaimedRow | null> => {
    for (;;) {
      if (stopError || options.signal?.aborted) return null;
      if (queue.length <= refillAt && !isDrained) void refill();
      const row = queue.shift();
      if (row) return row;
      if (isDrained) return null;
      await refill();
    }
  };

  const runLane = async (lane: SmtpLane) => {
    for (let row = await nextRow(); row; row = await nextRow()) {
      let outcome: SendOutcome;
      await gate();
      try {
        const message = fillCampaignMessage(mime, { subscriberId: row.subscriber_id, email: row.email, data: mergeData.get(row.subscriber_id) ?? { email: row.email } }, clock());
        outcome = await lane.send({ from: message.from, to: message.to }, message.raw);
      } catch (error) {
        // Refused before the message went out (the login): it goes back untouched, with the queue.
        queue.unshift(row);
        stopError ??= error;
        return;
      }
      outstanding--;
      // A failure to record the outcome leaves the claim open: it expires into `uncertain`, never into a resend.
      await settle(row, outcome);
      await progress();
    }
  };

  /** Claimed rows no lane took (a stop, a refused login): never handed to the server, so pending again. */
  const releaseQueue = async (reason: string) => {
    await claiming;
    const unsent = queue.splice(0).map((r) => r.subscriber_id);
    outstanding -= unsent.length;
    if (unsent.length > 0) await settleSendRows(db.kysely, key, worker, unsent, { status: 'pending', error: reason }).catch(() => undefined);
  };

  try {
    for (;;) {
      await expireStoppedClaims(db, key, worker, clock(), leaseMs);
      await skipGoneRecipients(db.kysely, key);
      isDrained = false;
      await Promise.all(lanes.map(runLane));
      await releaseQueue(stopError ? (stopError as Error).message : 'the send was stopped before this message');
      await flushSent();
      if (stopError) throw stopError;
      if (options.signal?.aborted) break;
      const counts = await countSendRows(db.kysely, key);
      if (counts.pending === 0) break;
      // Only retries not yet due (or rows another live sender will settle) remain.
      const due = await nextAttemptAt(db.kysely, key);
      const wait = due === null ? 1000 : Math.min(Math.max(due - clock(), 50), 5000);
      await new Promise((resolve) => setTimeout(resolve, wait));
      await progress();
    }
    const counts = await countSendRows(db.kysely, key);
    if (counts.pending === 0 && counts.claimed === 0) {
      await db.kysely
        .updateTable('newsletter_campaigns')
        .set({ status: 'sent', finished_at: clock(), updated_at: clock() })
        .where('workspace_id', '=', ws.id)
        .where('id', '=', campaignId)
        .where('status', '=', 'sending')
        .execute();
    }
  } finally {
    clearInterval(flusher);
    await flushSent().catch(() => undefined);
    for (const lane of lanes) lane.close();
  }
  await progress(true);
  return campaignStats(db, ws, campaignId);
}

async function expireStoppedClaims(db: Db, key: { workspaceId: string; campaignId: string }, me: string, now: number, leaseMs: number): Promise<void> {
  for (const holder of await listClaimHolders(db.kysely, key)) {
    if (isStoppedHolder(holder, me, now, leaseMs)) await expireClaims(db.kysely, key, holder.worker, `the sender ${holder.worker} stopped while sending: the message may have gone out`);
  }
}

/**
 * Starts (if needed) and runs a campaign's send: what `campaign send` and a job call.
 * @throws as startCampaignSend and runCampaignSend
 */
export async function sendCampaign(db: Db, ws: Workspace, campaignId: string, options: SendOptions): Promise<SendStats> {
  await startCampaignSend(db, ws, campaignId, (options.clock ?? Date.now)());
  return runCampaignSend(db, ws, campaignId, options);
}

/**
 * Sends one copy of the campaign to `to` (yourself), rendered for a sample subscriber, with
 * "[Test]" before the subject. Nothing goes in the ledger.
 * @throws not_found, validation (no public_url), unavailable (the server refused it)
 */
export async function testSendCampaign(db: Db, ws: Workspace, campaignId: string, to: string, smtp: SmtpTarget, now: number): Promise<{ to: string; message_id: string }> {
  const address = to.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new ValidationError(`to: "${to}" is not an email address`, [{ where: 'to', reason: 'not an address' }]);
  const campaign = await findCampaignRowOrThrow(db.kysely, ws, campaignId);
  const ctx = await messageContextOf(db.kysely, ws, campaign, publicUrlOrThrow(ws.settings.public_url), now);
  const test = { ...ctx, compiled: { ...ctx.compiled, subject: `[Test] ${ctx.compiled.subject}` } };
  const message = buildCampaignMessage(test, { subscriberId: 'ns_test', email: address, data: { email: address } }, now);
  const lane = new SmtpLane(smtp);
  try {
    const outcome = await lane.send({ from: message.from, to: address }, message.raw);
    if (outcome.kind !== 'sent') throw new UnavailableError(`the test message was not sent: ${outcome.error}`);
  } finally {
    lane.close();
  }
  return { to: address, message_id: message.messageId };
}
