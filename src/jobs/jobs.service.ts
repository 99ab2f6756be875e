/** Listing and retrying background jobs: what the CLI, the API and the Settings page show. */
import { NotFoundError } from '../errors.js';
import { type Job, jobViewToJob } from './jobs.schema.js';
import type { Queue } from './jobs.types.js';

/** Queued, running and failed jobs (of one workspace when given), oldest first. */
export async function listJobs(queue: Queue, filter: { failed?: boolean; workspaceId?: string; limit?: number }): Promise<Job[]> {
  return (await queue.list(filter)).map(jobViewToJob);
}

/**
 * Runs a failed (or waiting) job again now, with fresh attempts.
 * @throws not_found (no such job in the workspace, or it is running now)
 */
export async function retryJobOrThrow(queue: Queue, id: string, workspaceId?: string): Promise<Job> {
  const view = await queue.retry(id, workspaceId);
  if (!view) throw new NotFoundError('job', id);
  return jobViewToJob(view);
}
