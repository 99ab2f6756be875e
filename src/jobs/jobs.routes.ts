/** Background jobs of the caller's workspace (admins): list them with their errors, retry a failed one. */
import { z } from 'zod';
import { callerOf } from '../http/auth.js';
import { IdParam, problems, type ApiApp, type RouteDeps } from '../http/routes.js';
import { JobSchema, JobsQuerySchema } from './jobs.schema.js';
import { listJobs, retryJobOrThrow } from './jobs.service.js';

export function jobsRoutes(app: ApiApp, deps: RouteDeps) {
  const tags = ['jobs'];

  app.get('/jobs', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Queued, running and failed background jobs of the workspace, with their last error', querystring: JobsQuerySchema, response: { 200: z.array(JobSchema), ...problems } },
  }, async (request) => listJobs(await deps.jobs(), { failed: request.query.failed === 'true', workspaceId: callerOf(request).workspace.id, limit: request.query.limit }));

  app.post('/jobs/:jobId/retry', {
    config: { access: 'admin', audit: { action: 'job.retry', target: 'job', param: 'jobId' } },
    schema: { tags, summary: 'Run a failed job again now, with fresh attempts', params: IdParam('jobId'), response: { 200: JobSchema, ...problems } },
  }, async (request) => retryJobOrThrow(await deps.jobs(), request.params.jobId as string, callerOf(request).workspace.id));
}
