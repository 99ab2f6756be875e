/**
 * The daily rescore as jobs. Every minute the queue's cron (one enqueue per minute across
 * all workers) runs `health.rescore-due`, which enqueues `health.rescore` for each workspace
 * whose local day has turned, keyed by workspace and local day: however many workers check,
 * a workspace is rescored once a day. The rescore itself does nothing when the workspace is
 * already current, so a job that runs twice changes nothing.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { defineJob } from '../jobs/jobs.types.js';
import { findWorkspaceByIdOrThrow, listWorkspaces } from '../workspaces/workspaces.service.js';
import { isWorkspaceDue, rescoreWorkspaceIfDue } from './health.scheduler.js';

export const rescoreWorkspaceJob = defineJob({
  name: 'health.rescore',
  payload: z.object({ workspace_id: z.string(), day: z.string().describe('the local day (YYYY-MM-DD) it is for') }),
  key: (p) => `rescore:${p.workspace_id}:${p.day}`,
  maxAttempts: 5,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    await rescoreWorkspaceIfDue(ctx.db, ws, ctx.now(), ctx.signal);
  },
});

export const rescoreDueJob = defineJob({
  name: 'health.rescore-due',
  payload: z.object({}),
  cron: '* * * * *',
  maxAttempts: 1,
  async run(_p, ctx) {
    const now = ctx.now();
    for (const ws of await listWorkspaces(ctx.db.kysely)) {
      if (!(await isWorkspaceDue(ctx.db, ws, now))) continue;
      const day = DateTime.fromMillis(now, { zone: ws.settings.time_zone }).toISODate() as string;
      await ctx.enqueue(rescoreWorkspaceJob.name, { workspace_id: ws.id, day });
    }
  },
});

export const HEALTH_JOBS = [rescoreWorkspaceJob, rescoreDueJob];
