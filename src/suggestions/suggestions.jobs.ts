/**
 * Today's jobs. The daily digest: the day's top items of a workspace (or of one member)
 * e-mailed from its mail account, once per recipient and local day however often the job runs
 * (the effects ledger holds the key; a copy sent again after a crash has the same Message-ID).
 * The day's first run: a whole recomputation, done by a worker once the day's rescore is in,
 * so that the first look at Today in the morning reads stored suggestions instead of waiting.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { causeOnce } from '../jobs/effects.js';
import { defineJob } from '../jobs/jobs.types.js';
import { sendNotice } from '../mail/send.service.js';
import { ValidationError } from '../errors.js';
import { isWorkspaceDue } from '../health/health.scheduler.js';
import { findWorkspaceByIdOrThrow, listWorkspaces } from '../workspaces/workspaces.service.js';
import { renderDigest } from './digest.js';
import { loadSuggestionDeps } from './suggestions.deps.js';
import { ensureSuggestionsFresh, isWholeRunDue, listToday } from './suggestions.service.js';

/** The same digest has the same Message-ID, so that a copy sent again after a crash can be dropped by the receiver. */
function digestMessageId(workspaceId: string, key: string): string {
  return `<digest-${createHash('sha256').update(`${workspaceId}\n${key}`).digest('hex').slice(0, 32)}@rapport.invalid>`;
}

export const sendDigestJob = defineJob({
  name: 'suggestions.digest',
  payload: z.object({
    workspace_id: z.string(),
    to: z.string().email(),
    owner_id: z.string().optional().describe("a member's digest: their contacts and unowned ones"),
    limit: z.number().int().min(1).max(100).default(10),
  }),
  // One waiting digest per recipient: enqueueing it twice sends it once.
  key: (p) => `digest:${p.workspace_id}:${p.to.toLowerCase()}:${p.owner_id ?? ''}`,
  maxAttempts: 5,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    const now = ctx.now();
    const day = DateTime.fromMillis(now, { zone: ws.settings.time_zone }).toISODate() as string;
    const key = `digest:${p.to.toLowerCase()}:${p.owner_id ?? ''}:${day}`;
    await causeOnce(ctx.db, ws.id, key, now, async () => {
      const items = await listToday(ctx.db.kysely, ws, now, { limit: p.limit, owner_id: p.owner_id }, loadSuggestionDeps);
      const digest = renderDigest(items, ws.name, now, ws.settings.time_zone);
      const sent = await sendNotice(ctx.db, ws, ctx.services.mailKey, { to: p.to, subject: digest.subject, text: digest.text, messageId: digestMessageId(ws.id, key) }, now);
      if (!sent) throw new ValidationError(`workspace ${ws.slug} has no mail account to send its digest from: add one with rapport account add`);
    });
  },
});

export const prepareTodayJob = defineJob({
  name: 'suggestions.prepare',
  payload: z.object({ workspace_id: z.string(), day: z.string().describe('the local day (YYYY-MM-DD) it is for') }),
  key: (p) => `prepare:${p.workspace_id}:${p.day}`,
  maxAttempts: 3,
  async run(p, ctx) {
    const ws = await findWorkspaceByIdOrThrow(ctx.db.kysely, p.workspace_id);
    await ensureSuggestionsFresh(ctx.db.kysely, ws, ctx.now(), loadSuggestionDeps);
  },
});

export const prepareTodayDueJob = defineJob({
  name: 'suggestions.prepare-due',
  payload: z.object({}),
  cron: '* * * * *',
  maxAttempts: 1,
  async run(_p, ctx) {
    const now = ctx.now();
    for (const ws of await listWorkspaces(ctx.db.kysely)) {
      // After the day's rescore: the day's run reads the day's health.
      if ((await isWorkspaceDue(ctx.db, ws, now)) || !(await isWholeRunDue(ctx.db.kysely, ws, now))) continue;
      const day = DateTime.fromMillis(now, { zone: ws.settings.time_zone }).toISODate() as string;
      await ctx.enqueue(prepareTodayJob.name, { workspace_id: ws.id, day });
    }
  },
});

export const SUGGESTION_JOBS = [sendDigestJob, prepareTodayJob, prepareTodayDueJob];
