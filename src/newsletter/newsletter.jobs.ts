/**
 * The newsletter's background work as jobs. Every minute the queue's cron runs
 * `newsletter.campaigns-due`, which enqueues a send for each scheduled campaign whose time has
 * come, keyed by campaign (one past its late limit is marked `missed` with when and why, and
 * waits for the user to send it now or reschedule it); and `newsletter.drips` for each workspace with active drips. The
 * send ledger makes a send that runs twice, or in two workers, mail nobody twice.
 */
import { z } from 'zod';
import { defineJob } from '../jobs/jobs.types.js';
import { findWorkspaceByIdOrThrow, listWorkspaces } from '../workspaces/workspaces.service.js';
import { listDueCampaignRows } from './campaigns.repo.js';
import { markCampaignMissed } from './campaigns.service.js';
import { listActiveDrips } from './drips.repo.js';
import { runDueDrips } from './drips.runner.js';
import { sendCampaign } from './sender.js';
import { SmtpLane } from './smtp-lanes.js';
import { smtpTargetFromAccount } from './smtp-target.js';

/** A scheduled send goes at the pace of an interactive one: 20 messages a second over 4 connections. */
const SCHEDULED_SEND = { rate: 20, concurrency: 4 } as const;

export const sendCampaignJob = defineJob({
  name: 'newsletter.send-campaign',
  payload: z.object({ workspace_id: z.string(), campaign_id: z.string() }),
  key: (p) => `campaign:${p.workspace_id}:${p.campaign_id}`,
  maxAttempts: 5,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    const smtp = await smtpTargetFromAccount(ctx.db, ws, ctx.services.mailKey());
    await sendCampaign(ctx.db, ws, p.campaign_id, { smtp, ...SCHEDULED_SEND, clock: ctx.now });
  },
});

export const runDripsJob = defineJob({
  name: 'newsletter.drips',
  payload: z.object({ workspace_id: z.string() }),
  key: (p) => `drips:${p.workspace_id}`,
  maxAttempts: 3,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    const lane = new SmtpLane(await smtpTargetFromAccount(ctx.db, ws, ctx.services.mailKey()));
    try {
      await runDueDrips(ctx.db, ws, ctx.now(), lane);
    } finally {
      lane.close();
    }
  },
});

export const newsletterDueJob = defineJob({
  name: 'newsletter.campaigns-due',
  payload: z.object({}),
  cron: '* * * * *',
  maxAttempts: 1,
  async run(_p, ctx) {
    const now = ctx.now();
    const zones = new Map<string, string>();
    for (const row of await listDueCampaignRows(ctx.db.kysely, now)) {
      if (!zones.has(row.workspace_id)) zones.set(row.workspace_id, (await findWorkspaceByIdOrThrow(ctx.db.kysely, row.workspace_id)).settings.time_zone);
      if (await markCampaignMissed(ctx.db.kysely, row, zones.get(row.workspace_id) as string, now)) continue;
      await ctx.enqueue(sendCampaignJob.name, { workspace_id: row.workspace_id, campaign_id: row.id });
    }
    for (const ws of await listWorkspaces(ctx.db.kysely)) {
      if ((await listActiveDrips(ctx.db.kysely, ws.id)).length > 0) await ctx.enqueue(runDripsJob.name, { workspace_id: ws.id });
    }
  },
});

export const NEWSLETTER_JOBS = [sendCampaignJob, runDripsJob, newsletterDueJob];
