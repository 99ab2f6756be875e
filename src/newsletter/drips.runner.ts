/**
 * runDueDrips: one resumable pass over every active drip of a workspace. It enrolls new
 * subscribers, stops enrollments whose subscriber replied, became a client or left, and sends
 * each enrollment's due step through the drip ledger with the same rules as campaigns: the
 * row is claimed before the SMTP call and marked after it, so a crash, a restart or a second
 * runner never sends a step twice. A claim left by a runner that died becomes `uncertain`
 * and is never sent again by itself. A job calls it on a schedule; calling it again after a
 * crash simply carries on.
 */
import { hostname } from 'node:os';
import type { Db } from '../db/database.js';
import { ValidationError } from '../errors.js';
import type { Workspace } from '../workspaces/workspaces.schema.js';
import { buildCampaignMessage, publicUrlOrThrow, type OutboundMessage } from './campaign-message.js';
import { compileCampaign, parseFrontMatter } from './campaign-render.js';
import { nextDripAction } from './drips.js';
import {
  claimDripSend,
  enrollNewSubscribers,
  expireStaleDripClaims,
  finishDripSend,
  listActiveDrips,
  listActiveEnrollments,
  listDripSendRows,
  listFirstRepliesSince,
  listStepRows,
  stopEnrollment,
  type DripRow,
  type DripStepRow,
} from './drips.repo.js';
import { tokenSecretOf } from './newsletter-keys.js';
import type { SendOutcome, SmtpLane } from './smtp-lanes.js';
import { findListRowOrThrow } from './subscribers.service.js';

/** What delivers one built message and says what became of it: the campaign sender's SmtpLane. */
export type DripTransport = Pick<SmtpLane, 'send'>;

export interface DripRunOptions {
  /** Names this runner in the ledger's claims. */
  runner?: string;
  /** A claim older than this is a dead runner's (default 15 minutes). */
  claimLeaseMs?: number;
  /** From address when the list has none. */
  fromAddress?: string;
}

export interface DripRunResult {
  enrolled: number;
  sent: number;
  stopped: Record<'replied' | 'client' | 'unsubscribed' | 'finished', number>;
  failed: number;
  uncertain: number;
}

/** Retries of a transient failure (connection refused, 4xx) wait this long, growing. */
const RETRY_BASE_MS = 15 * 60_000;
const MAX_ATTEMPTS = 5;

function errorText(error: unknown): string {
  return String((error as Error)?.message ?? error).slice(0, 500);
}

/**
 * What stands for the campaign in a drip message's tokens and Message-ID: drip and step.
 * Token ids allow letters, digits and underscores only.
 */
export function dripMessageKey(dripId: string, position: number): string {
  return `${dripId}_${position}`;
}

interface StepMessage {
  step: DripStepRow;
  compiled: ReturnType<typeof compileCampaign>;
}

/**
 * Sends every drip step due at `now` in the workspace, at most one step per enrollment.
 * @throws validation when a step is due and the workspace has no public_url (unsubscribe links must work) or no from address
 */
export async function runDueDrips(db: Db, ws: Workspace, now: number, transport: DripTransport, options: DripRunOptions = {}): Promise<DripRunResult> {
  const runner = options.runner ?? `${hostname()}:${process.pid}`;
  const result: DripRunResult = { enrolled: 0, sent: 0, stopped: { replied: 0, client: 0, unsubscribed: 0, finished: 0 }, failed: 0, uncertain: 0 };
  result.uncertain += await expireStaleDripClaims(db.kysely, ws.id, now - (options.claimLeaseMs ?? 15 * 60_000));
  for (const drip of await listActiveDrips(db.kysely, ws.id)) {
    result.enrolled += await enrollNewSubscribers(db.kysely, drip);
    await runDrip(db, ws, drip, now, transport, runner, options, result);
  }
  return result;
}

async function runDrip(db: Db, ws: Workspace, drip: DripRow, now: number, transport: DripTransport, runner: string, options: DripRunOptions, result: DripRunResult) {
  const steps = await listStepRows(db.kysely, ws.id, [drip.id]);
  const enrollments = await listActiveEnrollments(db.kysely, drip);
  if (enrollments.length === 0) return;
  const replies = await listFirstRepliesSince(db.kysely, ws.id, enrollments);
  const ledger = await listDripSendRows(db.kysely, ws.id, drip.id);
  let context: Awaited<ReturnType<typeof messageContext>> | undefined;
  const compiled = new Map<number, StepMessage>();
  for (const e of enrollments) {
    const action = nextDripAction(
      { started_at: Number(e.started_at), subscriber_status: e.status as never, replied_at: replies.get(e.subscriber_id) ?? null, client_since: e.client_since === null ? null : Number(e.client_since) },
      steps.map((s) => ({ position: s.position, delay_days: s.delay_days })),
      ledger.filter((l) => l.subscriber_id === e.subscriber_id).map((l) => ({ position: l.position, status: l.status, next_attempt_at: l.next_attempt_at === null ? null : Number(l.next_attempt_at) })),
      now,
    );
    if (action.action === 'wait') continue;
    if (action.action === 'stop') {
      await stopEnrollment(db.kysely, ws.id, drip.id, e.subscriber_id, action.reason, now);
      result.stopped[action.reason] += 1;
      continue;
    }
    const key = { workspace_id: ws.id, drip_id: drip.id, position: action.position, subscriber_id: e.subscriber_id };
    context ??= await messageContext(db, ws, drip, now, options);
    let step = compiled.get(action.position);
    if (!step) {
      const row = steps.find((s) => s.position === action.position) as DripStepRow;
      const parsed = parseFrontMatter(row.body_md, `step ${row.position}`);
      step = { step: row, compiled: compileCampaign({ subject: parsed.subject, preheader: parsed.preheader, body_md: parsed.body }) };
      compiled.set(action.position, step);
    }
    // Claim first: whoever's write takes the row sends; everyone else moves on.
    if (!(await claimDripSend(db.kysely, { ...key, email: e.email }, runner, now, action.retry))) continue;
    let message: OutboundMessage;
    try {
      message = await buildCampaignMessage(
        { ...context, campaignId: dripMessageKey(drip.id, action.position), compiled: step.compiled },
        { subscriberId: e.subscriber_id, email: e.email, data: { name: e.name, first_name: e.name?.split(/\s+/)[0] ?? null, email: e.email } },
        now,
      );
    } catch (error) {
      await recordOutcome(db, key, runner, { kind: 'failed', error: errorText(error) }, now, result);
      continue;
    }
    const outcome = await transport.send({ from: message.from, to: message.to }, message.raw);
    await recordOutcome(db, key, runner, outcome, now, result, message.messageId);
  }
}

async function recordOutcome(db: Db, key: Parameters<typeof finishDripSend>[1], runner: string, outcome: SendOutcome, now: number, result: DripRunResult, messageId?: string) {
  if (outcome.kind === 'sent') {
    await finishDripSend(db.kysely, key, runner, { status: 'sent', message_id: messageId ?? null, sent_at: now, error: null });
    result.sent += 1;
    return;
  }
  if (outcome.kind === 'uncertain') {
    await finishDripSend(db.kysely, key, runner, { status: 'uncertain', message_id: messageId ?? null, error: outcome.error });
    result.uncertain += 1;
    return;
  }
  const attempts = (await listDripSendRows(db.kysely, key.workspace_id, key.drip_id)).find((r) => r.position === key.position && r.subscriber_id === key.subscriber_id)?.attempts ?? MAX_ATTEMPTS;
  if (outcome.kind === 'retry' && attempts < MAX_ATTEMPTS) {
    await finishDripSend(db.kysely, key, runner, { status: 'pending', error: outcome.error, next_attempt_at: now + RETRY_BASE_MS * 2 ** (attempts - 1) });
    return;
  }
  await finishDripSend(db.kysely, key, runner, { status: 'failed', error: outcome.error });
  result.failed += 1;
}

async function messageContext(db: Db, ws: Workspace, drip: DripRow, now: number, options: DripRunOptions) {
  const list = await findListRowOrThrow(db.kysely, ws, drip.list_id);
  const fromAddress = list.from_address ?? options.fromAddress;
  if (!fromAddress) {
    throw new ValidationError(`list "${list.name}": set its from address before its drips can send`, [{ where: 'list.from_address', reason: 'not set' }]);
  }
  return {
    workspaceId: ws.id,
    listId: list.id,
    listName: list.name,
    // Drip mail is not a campaign: its links go straight to their targets.
    tracking: false,
    publicUrl: publicUrlOrThrow(ws.settings.public_url),
    secret: await tokenSecretOf(db.kysely, ws.id, now),
    fromAddress,
    fromName: list.from_name,
  };
}
