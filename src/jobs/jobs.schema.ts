/** The API's view of background jobs (GET /jobs, rapport jobs --json). */
import { z } from 'zod';
import { toIso } from '../shared/time.js';
import type { JobView } from './jobs.types.js';

export const JobSchema = z.object({
  id: z.string(),
  name: z.string().describe('the job definition, e.g. webhooks.deliver, mail.sync, health.rescore'),
  state: z.enum(['queued', 'running', 'failed']).describe('failed: out of attempts, waits for a retry'),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  run_at: z.string().describe('when it runs (next attempt when queued)'),
  last_error: z.string().nullable(),
  key: z.string().nullable(),
  payload: z.unknown(),
});
export type Job = z.infer<typeof JobSchema>;

export const JobsQuerySchema = z.object({
  failed: z.enum(['true', 'false']).optional().describe('true: failed jobs only'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function jobViewToJob(view: JobView): Job {
  return { id: view.id, name: view.name, state: view.state, attempts: view.attempts, max_attempts: view.max_attempts, run_at: toIso(view.run_at), last_error: view.last_error, key: view.key, payload: view.payload };
}
