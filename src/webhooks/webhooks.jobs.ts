/**
 * Webhook deliveries as jobs. The delivery log stays the source of truth (attempts, the
 * Standard Webhooks retry schedule, the last error): a ticker enqueues every delivery whose
 * time came, keyed by the delivery, and the job makes one attempt. A failed attempt fails
 * the job with the receiver's answer (so `rapport jobs --failed` shows it); the ticker
 * enqueues the same key again when the schedule says, and `rapport jobs retry` tries at once.
 */
import { z } from 'zod';
import { defineJob, type JobTicker } from '../jobs/jobs.types.js';
import { attemptDelivery, CLAIM_MS, httpSender } from './delivery.js';
import { claimDeliveryForAttempt, findDeliveryWithHook, listDueDeliveryRows } from './webhooks.repo.js';

export const deliverWebhookJob = defineJob({
  name: 'webhooks.deliver',
  payload: z.object({ workspace_id: z.string(), delivery_id: z.string() }),
  key: (p) => `webhook:${p.delivery_id}`,
  // Retries follow the delivery log's schedule, not the queue's backoff.
  maxAttempts: 1,
  async run(p, ctx) {
    const now = ctx.now();
    const row = await findDeliveryWithHook(ctx.db.kysely, p.workspace_id, p.delivery_id);
    // Delivered already (a job that runs twice) or being sent by another worker: nothing to do.
    if (!row) return;
    if (!(await claimDeliveryForAttempt(ctx.db.kysely, row, now, CLAIM_MS))) return;
    const send = ctx.services.webhookSender ?? httpSender(ctx.services.allowPrivateWebhooks);
    const error = await attemptDelivery(ctx.db.kysely, row, now, send);
    if (error !== null) throw new Error(`webhook delivery ${row.id} to ${new URL(row.url).host}: ${error}`);
  },
});

export const webhookTicker: JobTicker = {
  name: 'webhooks.enqueue-due',
  everyMs: 1000,
  async run(ctx) {
    for (const row of await listDueDeliveryRows(ctx.db.kysely, ctx.now(), 500)) {
      await ctx.enqueue(deliverWebhookJob.name, { workspace_id: row.workspace_id, delivery_id: row.id });
    }
  },
};

export const WEBHOOK_JOBS = [deliverWebhookJob];
