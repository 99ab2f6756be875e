/**
 * The webhook delivery worker: sends due deliveries, signed, with retries and exponential
 * backoff (the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h), recording
 * every attempt in the delivery log. Redirects are not followed and the DNS lookup refuses
 * private targets (ssrf.ts). Each delivery is claimed before sending, so several server
 * processes can run the worker on one database without sending twice.
 */
import http from 'node:http';
import https from 'node:https';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { webhookHeaders } from './signing.js';
import { guardedAgents } from './ssrf.js';
import { claimDelivery, type DeliveryWithHook, listDueDeliveryRows, updateDeliveryRow } from './webhooks.repo.js';

/** Delay before attempt n+1 after n failed attempts; after the last one the delivery fails. */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
export const CLAIM_MS = 60_000;

export type Sender = (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number }>;

export interface DeliveryOptions {
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Replaces the HTTP client (tests). */
  send?: Sender;
}

export function httpSender(allowPrivate: boolean, timeoutMs = 10_000): Sender {
  const agents = guardedAgents(allowPrivate);
  return (url, headers, body) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const client = secure ? https : http;
      const agent = secure ? agents.https : agents.http;
      const req = client.request(target, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
}

/** Sends every due delivery once. Returns how many succeeded and failed this round. */
export async function deliverDue(db: Kysely<Database>, now: number, options: DeliveryOptions, limit = 50): Promise<{ succeeded: number; failed: number }> {
  const send = options.send ?? httpSender(options.allowPrivate, options.timeoutMs);
  let succeeded = 0;
  let failed = 0;
  for (const row of await listDueDeliveryRows(db, now, limit)) {
    if (!(await claimDelivery(db, row, now + CLAIM_MS))) continue;
    if ((await attemptDelivery(db, row, now, send)) === null) succeeded += 1;
    else failed += 1;
  }
  return { succeeded, failed };
}

/**
 * Makes one attempt at a claimed delivery and records it in the delivery log: the next
 * attempt on the retry schedule, or failed for good after the last. Returns the error, or
 * null when the receiver accepted it.
 */
export async function attemptDelivery(db: Kysely<Database>, row: DeliveryWithHook, now: number, send: Sender): Promise<string | null> {
  const attempts = row.attempts + 1;
  let status: number | null = null;
  let error: string | null = null;
  if (row.active !== 1) {
    error = 'the webhook is disabled';
  } else {
    try {
      status = (await send(row.url, webhookHeaders(row.secret, row.id, now, row.payload), row.payload)).status;
      if (status < 200 || status >= 300) error = `answered HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message.slice(0, 500);
    }
  }
  const done = error === null;
  const giveUp = !done && attempts > RETRY_DELAYS_MS.length;
  await updateDeliveryRow(db, row.workspace_id, row.id, {
    attempts,
    status: done ? 'succeeded' : giveUp ? 'failed' : 'pending',
    next_attempt_at: done || giveUp ? null : now + RETRY_DELAYS_MS[attempts - 1]!,
    last_attempt_at: now,
    response_status: status,
    last_error: error,
  });
  return error;
}
