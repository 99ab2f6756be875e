/**
 * What a drip enrollment does next, at `now`: send a step, wait, or stop. Pure: the
 * enrollment, its steps, its ledger rows and the stop signals go in.
 *
 * Steps go out in order, each `delay_days` after the subscriber confirmed, one step per run
 * (a runner that was down for a week catches up one step at a time, never with a burst). A
 * step waits until every earlier one has a final ledger row: sent, failed, uncertain (the
 * SMTP call may have gone through; never sent again) or skipped.
 */
import { DAY_MS } from '../shared/time.js';
import type { SendStatus, SubscriberStatus } from './newsletter.table.js';

export type DripStopReason = 'replied' | 'client' | 'unsubscribed' | 'finished';

export interface DripStepTiming {
  position: number;
  delay_days: number;
}

export interface DripLedgerEntry {
  position: number;
  status: SendStatus;
  /** For a `pending` row (a transient failure): when it may be tried again. */
  next_attempt_at: number | null;
}

export interface EnrollmentState {
  started_at: number;
  subscriber_status: SubscriberStatus;
  /** Their first reply (reply event or inbound mail of their contact) since enrolling, if any. */
  replied_at: number | null;
  /** Their contact's client_since, if any. */
  client_since: number | null;
}

export type DripAction =
  | { action: 'send'; position: number; retry: boolean }
  | { action: 'wait'; until: number | null }
  | { action: 'stop'; reason: DripStopReason };

const FINAL: ReadonlySet<SendStatus> = new Set(['sent', 'failed', 'uncertain', 'skipped']);

/** When a step is due: `delay_days` whole days after the start. */
export function stepDueAt(startedAt: number, delayDays: number): number {
  return startedAt + delayDays * DAY_MS;
}

export function nextDripAction(state: EnrollmentState, steps: readonly DripStepTiming[], ledger: readonly DripLedgerEntry[], now: number): DripAction {
  if (state.subscriber_status !== 'confirmed') return { action: 'stop', reason: 'unsubscribed' };
  if (state.replied_at !== null && state.replied_at >= state.started_at && state.replied_at <= now) return { action: 'stop', reason: 'replied' };
  // A client gets client mail, not a prospect's welcome sequence, whenever they became one.
  if (state.client_since !== null && state.client_since <= now) return { action: 'stop', reason: 'client' };
  // A drip still being written has nothing to send yet; stopping would lose its subscribers.
  if (steps.length === 0) return { action: 'wait', until: null };
  const rows = new Map(ledger.map((l) => [l.position, l]));
  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const row = rows.get(step.position);
    if (row === undefined) {
      const due = stepDueAt(state.started_at, step.delay_days);
      return due <= now ? { action: 'send', position: step.position, retry: false } : { action: 'wait', until: due };
    }
    if (FINAL.has(row.status)) continue;
    if (row.status === 'pending' && row.next_attempt_at !== null && row.next_attempt_at <= now) {
      return { action: 'send', position: step.position, retry: true };
    }
    // Claimed by a runner, or pending a later retry: the next steps wait for it.
    return { action: 'wait', until: row.status === 'pending' ? row.next_attempt_at : null };
  }
  return { action: 'stop', reason: 'finished' };
}
